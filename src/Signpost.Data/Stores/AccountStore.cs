using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;

namespace Signpost.Data.Stores;

internal sealed class AccountStore(SignpostDbContext db) : IAccountStore, IOrganizationStore
{
    public Task<Account?> FindByIdentifierAsync(IdentifierKind kind, string identifier, CancellationToken cancellationToken)
    {
        var key = Account.Normalize(identifier);
        var query = WithMemberships();
        return kind switch
        {
            IdentifierKind.Email => query.FirstOrDefaultAsync(a => a.NormalizedEmail == key, cancellationToken),
            IdentifierKind.Npi => query.FirstOrDefaultAsync(a => a.Npi == key, cancellationToken),
            _ => query.FirstOrDefaultAsync(a => a.NormalizedUsername == key, cancellationToken),
        };
    }

    public Task<Account?> FindByIdAsync(Guid id, CancellationToken cancellationToken) =>
        WithMemberships().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);

    public Task UpdatePasswordHashAsync(Guid accountId, string passwordHash, CancellationToken cancellationToken) =>
        db.Accounts.Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordHash, passwordHash), cancellationToken);

    public Task SetPasswordAsync(Guid accountId, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.Accounts.Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.PasswordHash, passwordHash)
                .SetProperty(a => a.PasswordChangedAt, at)
                .SetProperty(a => a.MustChangePassword, false)
                .SetProperty(a => a.PasswordExpiryExtensionDays, 0)
                .SetProperty(a => a.Status, a => a.Status == AccountStatus.PendingActivation ? AccountStatus.Active : a.Status),
                cancellationToken);

    public Task<Organization?> FindBySlugAsync(string slug, CancellationToken cancellationToken)
    {
        var key = slug.Trim().ToLowerInvariant();
        return db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Slug == key, cancellationToken);
    }

    private IQueryable<Account> WithMemberships() =>
        db.Accounts.AsNoTracking().Include(a => a.Memberships).ThenInclude(m => m.Organization).AsSplitQuery();
}

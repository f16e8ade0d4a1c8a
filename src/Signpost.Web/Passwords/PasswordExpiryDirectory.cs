using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Passwords;
using Signpost.Data;

namespace Signpost.Web.Passwords;

/// <summary>
/// <see cref="IPasswordExpiryDirectory"/> over the one DbContext. It lives in the host rather than in
/// Signpost.Data because it needs no mapping or migration of its own: two queries over existing columns.
/// </summary>
internal sealed class PasswordExpiryDirectory(SignpostDbContext db) : IPasswordExpiryDirectory
{
    public async Task<IReadOnlyList<Account>> ListAccountsWithExpiryAsync(CancellationToken cancellationToken) =>
        await db.Accounts.AsNoTracking()
            .Where(a => a.Status == AccountStatus.Active && a.Memberships.Any(m =>
                m.Status == MembershipStatus.Active && m.Roles != PracticeRoles.None && m.Organization!.Policy.PasswordExpiryDays != null))
            .Include(a => a.Memberships).ThenInclude(m => m.Organization)
            .OrderBy(a => a.Id)
            .AsSplitQuery()
            .ToListAsync(cancellationToken);

    public async Task<bool> SetExtensionAsync(Guid accountId, DateTimeOffset? passwordChangedAt, int days, CancellationToken cancellationToken) =>
        await db.Accounts.Where(a => a.Id == accountId && a.PasswordChangedAt == passwordChangedAt)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordExpiryExtensionDays, days), cancellationToken) == 1;
}

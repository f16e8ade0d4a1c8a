using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Passwords;

namespace Signpost.Data.Stores;

/// <summary>
/// <see cref="IPasswordExpiryDirectory"/> over the one DbContext: two queries over existing columns.
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

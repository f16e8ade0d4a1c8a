using Microsoft.EntityFrameworkCore;
using Signpost.Core.Passwords;

namespace Signpost.Data.Stores;

internal sealed class PasswordHistoryStore(SignpostDbContext db) : IPasswordHistoryStore
{
    public async Task<IReadOnlyList<string>> RecentAsync(Guid accountId, int take, CancellationToken cancellationToken) =>
        take <= 0
            ? []
            : await db.PasswordHistory.AsNoTracking().Where(h => h.AccountId == accountId)
                .OrderByDescending(h => h.Id).Take(take).Select(h => h.PasswordHash).ToListAsync(cancellationToken);

    public async Task RememberAsync(Guid accountId, string passwordHash, DateTimeOffset replacedAt, int keep, CancellationToken cancellationToken)
    {
        if (keep > 0)
        {
            var entry = new PasswordHistoryEntry { AccountId = accountId, PasswordHash = passwordHash, ReplacedAt = replacedAt };
            db.PasswordHistory.Add(entry);
            await db.SaveChangesAsync(cancellationToken);
            db.Entry(entry).State = EntityState.Detached;
        }

        // Old hashes are kept no longer than a policy needs them: turning history down forgets the rest.
        var keepIds = db.PasswordHistory.Where(h => h.AccountId == accountId).OrderByDescending(h => h.Id).Take(keep).Select(h => h.Id);
        await db.PasswordHistory.Where(h => h.AccountId == accountId && !keepIds.Contains(h.Id)).ExecuteDeleteAsync(cancellationToken);
    }
}

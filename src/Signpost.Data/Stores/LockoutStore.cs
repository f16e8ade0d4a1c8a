using Microsoft.EntityFrameworkCore;
using Signpost.Core.Lockout;

namespace Signpost.Data.Stores;

/// <summary>
/// Counts failures with one conditional UPDATE inside a write transaction: the database, not this
/// process, decides the order, so concurrent failures on any number of nodes count exactly.
/// </summary>
internal sealed class LockoutStore(SignpostDbContext db) : ILockoutStore
{
    public Task<LockoutCounter?> GetAsync(Guid accountId, string deviceKey, CancellationToken cancellationToken) =>
        db.LockoutCounters.AsNoTracking().FirstOrDefaultAsync(c => c.AccountId == accountId && c.DeviceKey == deviceKey, cancellationToken);

    public async Task<FailureTally> RegisterFailureAsync(
        Guid accountId, string deviceKey, int threshold, TimeSpan window, TimeSpan duration,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var windowStart = now - window;
        var lockUntil = now + duration;
        for (var attempt = 0; ; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

            // Every SET reads the row as it was before this statement (SQL semantics), so the count,
            // the window and the lock are decided together, atomically, and only while not locked.
            var updated = await db.LockoutCounters
                .Where(c => c.AccountId == accountId && c.DeviceKey == deviceKey && (c.LockedUntil == null || c.LockedUntil <= now))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.FailureCount, c => c.WindowStartedAt > windowStart && c.LockedUntil == null ? c.FailureCount + 1 : 1)
                    .SetProperty(c => c.WindowStartedAt, c => c.WindowStartedAt > windowStart && c.LockedUntil == null ? c.WindowStartedAt : now)
                    .SetProperty(c => c.LockedUntil, c => (c.WindowStartedAt > windowStart && c.LockedUntil == null ? c.FailureCount + 1 : 1) >= threshold ? lockUntil : (DateTimeOffset?)null)
                    .SetProperty(c => c.LastFailureAt, now),
                    cancellationToken);

            if (updated == 1)
            {
                var row = await GetAsync(accountId, deviceKey, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new FailureTally(true, row!.FailureCount, row.LockedUntil);
            }

            var existing = await GetAsync(accountId, deviceKey, cancellationToken);
            if (existing is { LockedUntil: { } lockedUntil } && lockedUntil > now)
            {
                await transaction.CommitAsync(cancellationToken);
                return new FailureTally(false, existing.FailureCount, existing.LockedUntil);
            }

            if (existing is not null && attempt < 3)
            {
                // Another node inserted the first failure after this UPDATE looked: count on its row.
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            try
            {
                db.LockoutCounters.Add(new LockoutCounter
                {
                    AccountId = accountId,
                    DeviceKey = deviceKey,
                    FailureCount = 1,
                    WindowStartedAt = now,
                    LockedUntil = threshold <= 1 ? lockUntil : null,
                    LastFailureAt = now,
                });
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new FailureTally(true, 1, threshold <= 1 ? lockUntil : null);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another node inserted the first failure a moment earlier: count on its row.
                DetachCounters();
            }
        }
    }

    public Task ResetAsync(Guid accountId, string deviceKey, CancellationToken cancellationToken) =>
        db.LockoutCounters.Where(c => c.AccountId == accountId && c.DeviceKey == deviceKey).ExecuteDeleteAsync(cancellationToken);

    public async Task<int> UnlockAllAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var locked = await db.LockoutCounters.CountAsync(c => c.AccountId == accountId && c.LockedUntil > now, cancellationToken);
        await db.LockoutCounters.Where(c => c.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);
        return locked;
    }

    public async Task<IReadOnlyList<LockoutCounter>> ListForAccountAsync(Guid accountId, CancellationToken cancellationToken) =>
        await db.LockoutCounters.AsNoTracking().Where(c => c.AccountId == accountId).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<LockoutCounter>> ListLockedAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.LockoutCounters.AsNoTracking().Where(c => c.LockedUntil > now).ToListAsync(cancellationToken);

    public async Task LockAsync(Guid accountId, string deviceKey, int failureCount, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await ResetAsync(accountId, deviceKey, cancellationToken);
        db.LockoutCounters.Add(new LockoutCounter
        {
            AccountId = accountId,
            DeviceKey = deviceKey,
            FailureCount = failureCount,
            WindowStartedAt = until,
            LockedUntil = until,
            LastFailureAt = until,
        });
        await db.SaveChangesAsync(cancellationToken);
        DetachCounters();
    }

    // Only this store's rows: whatever else the request's context tracks stays as it is.
    private void DetachCounters()
    {
        foreach (var entry in db.ChangeTracker.Entries<LockoutCounter>().ToList())
        {
            entry.State = EntityState.Detached;
        }
    }
}

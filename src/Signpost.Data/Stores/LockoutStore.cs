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

    public Task<FailureTally> RegisterFailureAsync(
        Guid accountId, string deviceKey, int threshold, TimeSpan window, TimeSpan duration,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        CountFailureAsync(accountId, deviceKey, threshold, window, duration, now, reserved: false, cancellationToken);

    public Task<FailureTally> CountReservedFailureAsync(
        Guid accountId, string deviceKey, int threshold, TimeSpan window, TimeSpan duration,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        CountFailureAsync(accountId, deviceKey, threshold, window, duration, now, reserved: true, cancellationToken);

    public async Task<CheckReservation> ReserveCheckAsync(
        Guid accountId, string deviceKey, int threshold, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var windowStart = now - window;
        var lifeStart = now - LockoutCounter.ReservationLifetime;
        for (var attempt = 0; ; attempt++)
        {
            // One statement decides: not locked, and the failures still in the window (none after an ended lock)
            // plus the checks in flight (none when the newest is past its lifetime) leave room for this one.
            var admitted = await db.LockoutCounters
                .Where(c => c.AccountId == accountId && c.DeviceKey == deviceKey && (c.LockedUntil == null || c.LockedUntil <= now)
                    && (c.FailureCount > 0 && c.WindowStartedAt > windowStart && c.LockedUntil == null ? c.FailureCount : 0)
                        + (c.InFlightSince > lifeStart ? c.InFlight : 0) < threshold)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.InFlight, c => c.InFlightSince > lifeStart ? c.InFlight + 1 : 1)
                    .SetProperty(c => c.InFlightSince, now),
                    cancellationToken);
            if (admitted == 1)
            {
                return new CheckReservation(true, null);
            }

            var existing = await GetAsync(accountId, deviceKey, cancellationToken);
            if (existing is { LockedUntil: { } lockedUntil } && lockedUntil > now)
            {
                return new CheckReservation(false, lockedUntil);
            }

            if (existing is not null)
            {
                var failures = existing.FailureCount > 0 && existing.WindowStartedAt > windowStart && existing.LockedUntil is null ? existing.FailureCount : 0;
                var inFlight = existing.InFlightSince > lifeStart ? existing.InFlight : 0;
                if (failures + inFlight >= threshold || attempt >= 3)
                {
                    return new CheckReservation(false, null);
                }

                // A lock ended or a count was reset after the update looked: decide again.
                continue;
            }

            try
            {
                db.LockoutCounters.Add(new LockoutCounter
                {
                    AccountId = accountId,
                    DeviceKey = deviceKey,
                    FailureCount = 0,
                    WindowStartedAt = now,
                    InFlight = 1,
                    InFlightSince = now,
                });
                await db.SaveChangesAsync(cancellationToken);
                DetachCounters();
                return new CheckReservation(true, null);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another node inserted the key's row a moment earlier: reserve on its row.
                DetachCounters();
            }
        }
    }

    public async Task<ReleasedCheck> ReleaseRightCheckAsync(Guid accountId, string deviceKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lifeStart = now - LockoutCounter.ReservationLifetime;
        for (var attempt = 0; ; attempt++)
        {
            // The common case, a clean key: one statement, and nothing to clear when the sign-in completes.
            var clean = await db.LockoutCounters
                .Where(c => c.AccountId == accountId && c.DeviceKey == deviceKey && c.FailureCount == 0 && c.LockedUntil == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.InFlight, c => c.InFlightSince > lifeStart && c.InFlight > 0 ? c.InFlight - 1 : 0), cancellationToken);
            if (clean == 1)
            {
                return new ReleasedCheck(false, null);
            }

            var open = await db.LockoutCounters
                .Where(c => c.AccountId == accountId && c.DeviceKey == deviceKey && (c.LockedUntil == null || c.LockedUntil <= now))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.InFlight, c => c.InFlightSince > lifeStart && c.InFlight > 0 ? c.InFlight - 1 : 0), cancellationToken);
            if (open == 1)
            {
                return new ReleasedCheck(true, null);
            }

            var existing = await GetAsync(accountId, deviceKey, cancellationToken);
            if (existing is null)
            {
                // Cleared meanwhile (another success, an unlock): nothing holds this check any more.
                return new ReleasedCheck(false, null);
            }

            if (existing.LockedUntil is { } lockedUntil && lockedUntil > now)
            {
                await CancelCheckAsync(accountId, deviceKey, now, cancellationToken);
                return new ReleasedCheck(true, lockedUntil);
            }

            if (attempt >= 3)
            {
                return new ReleasedCheck(true, null);
            }
        }
    }

    public Task CancelCheckAsync(Guid accountId, string deviceKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lifeStart = now - LockoutCounter.ReservationLifetime;
        return db.LockoutCounters
            .Where(c => c.AccountId == accountId && c.DeviceKey == deviceKey && c.InFlight > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.InFlight, c => c.InFlightSince > lifeStart ? c.InFlight - 1 : 0), cancellationToken);
    }

    private async Task<FailureTally> CountFailureAsync(
        Guid accountId, string deviceKey, int threshold, TimeSpan window, TimeSpan duration,
        DateTimeOffset now, bool reserved, CancellationToken cancellationToken)
    {
        var windowStart = now - window;
        var lifeStart = now - LockoutCounter.ReservationLifetime;
        var lockUntil = now + duration;
        // Inside the caller's transaction (IWriteTransactions: the failure and its event, one commit) the statements
        // join it and the caller commits; otherwise the count is its own transaction.
        var joined = db.Database.CurrentTransaction is not null;
        for (var attempt = 0; ; attempt++)
        {
            await using var transaction = joined ? null : await db.Database.BeginTransactionAsync(cancellationToken);

            // Every SET reads the row as it was before this statement (SQL semantics), so the count,
            // the window and the lock are decided together, atomically, and only while not locked.
            // A row with no failures (one a reservation made) starts the window at this failure.
            var updated = await db.LockoutCounters
                .Where(c => c.AccountId == accountId && c.DeviceKey == deviceKey && (c.LockedUntil == null || c.LockedUntil <= now))
                .ExecuteUpdateAsync(s =>
                {
                    s.SetProperty(c => c.FailureCount, c => c.FailureCount > 0 && c.WindowStartedAt > windowStart && c.LockedUntil == null ? c.FailureCount + 1 : 1)
                        .SetProperty(c => c.WindowStartedAt, c => c.FailureCount > 0 && c.WindowStartedAt > windowStart && c.LockedUntil == null ? c.WindowStartedAt : now)
                        .SetProperty(c => c.LockedUntil, c => (c.FailureCount > 0 && c.WindowStartedAt > windowStart && c.LockedUntil == null ? c.FailureCount + 1 : 1) >= threshold ? lockUntil : (DateTimeOffset?)null)
                        .SetProperty(c => c.LastFailureAt, now);
                    if (reserved)
                    {
                        // The check leaves the in-flight count as it becomes a counted failure: one statement.
                        s.SetProperty(c => c.InFlight, c => c.InFlightSince > lifeStart && c.InFlight > 0 ? c.InFlight - 1 : 0);
                    }
                },
                    cancellationToken);

            if (updated == 1)
            {
                var row = await GetAsync(accountId, deviceKey, cancellationToken);
                await CommitAsync(transaction, cancellationToken);
                return new FailureTally(true, row!.FailureCount, row.LockedUntil);
            }

            var existing = await GetAsync(accountId, deviceKey, cancellationToken);
            if (existing is { LockedUntil: { } lockedUntil } && lockedUntil > now)
            {
                if (reserved)
                {
                    await CancelCheckAsync(accountId, deviceKey, now, cancellationToken);
                }

                await CommitAsync(transaction, cancellationToken);
                return new FailureTally(false, existing.FailureCount, existing.LockedUntil);
            }

            if (existing is not null && attempt < 3)
            {
                // Another node inserted the first failure after this UPDATE looked: count on its row (nothing was written).
                continue;
            }

            // A joined transaction survives a failed insert only back to a savepoint (PostgreSQL aborts the whole
            // transaction on an error); the row is rarely missing here (unlocked or replaced while this check hashed).
            var savepoint = joined ? $"counter{attempt}" : null;
            if (savepoint is not null)
            {
                await db.Database.CurrentTransaction!.CreateSavepointAsync(savepoint, cancellationToken);
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
                DetachCounters();
                await CommitAsync(transaction, cancellationToken);
                return new FailureTally(true, 1, threshold <= 1 ? lockUntil : null);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another node inserted the first failure a moment earlier: count on its row.
                DetachCounters();
                if (savepoint is not null)
                {
                    await db.Database.CurrentTransaction!.RollbackToSavepointAsync(savepoint, cancellationToken);
                }
            }
        }
    }

    private static Task CommitAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? own, CancellationToken cancellationToken) =>
        own?.CommitAsync(cancellationToken) ?? Task.CompletedTask;

    public async Task ResetAsync(Guid accountId, string deviceKey, CancellationToken cancellationToken)
    {
        // A row without checks in flight goes; one with some keeps their places (and the exact count) with no failures.
        var deleted = await db.LockoutCounters.Where(c => c.AccountId == accountId && c.DeviceKey == deviceKey && c.InFlight == 0).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            await db.LockoutCounters.Where(c => c.AccountId == accountId && c.DeviceKey == deviceKey)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.FailureCount, 0)
                    .SetProperty(c => c.LockedUntil, (DateTimeOffset?)null)
                    .SetProperty(c => c.LastFailureAt, (DateTimeOffset?)null), cancellationToken);
        }
    }

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

    public Task<int> PurgeQuietAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var quietSince = now - LockoutCounter.QuietBeforePurge;
        var lifeStart = now - LockoutCounter.ReservationLifetime;
        // One DELETE decides row by row: a reservation that committed first keeps its row (PostgreSQL re-checks the
        // condition on the updated row; SQLite runs one writer at a time); one that comes after finds no row and inserts.
        return db.LockoutCounters
            .Where(c => c.AccountId != Guid.Empty
                && (c.InFlight == 0 || c.InFlightSince == null || c.InFlightSince <= lifeStart)
                && (c.FailureCount == 0 || c.WindowStartedAt <= quietSince)
                && (c.LockedUntil == null || c.LockedUntil <= quietSince))
            .ExecuteDeleteAsync(cancellationToken);
    }

    public async Task LockAsync(Guid accountId, string deviceKey, int failureCount, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // The new lock replaces the row; a check still in flight then settles against the lock (it is refused).
        await db.LockoutCounters.Where(c => c.AccountId == accountId && c.DeviceKey == deviceKey).ExecuteDeleteAsync(cancellationToken);
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

using Microsoft.EntityFrameworkCore;
using Signpost.Core.Scheduling;

namespace Signpost.Data.Stores;

/// <summary>Leases by one conditional UPDATE (take an expired lease or renew one's own), else one INSERT that only the first node wins.</summary>
internal sealed class LeaseStore(SignpostDbContext db) : ILeaseStore
{
    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var until = now + duration;
        var taken = await db.Leases
            .Where(l => l.Name == name && (l.Holder == holder || l.ExpiresAt <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        if (await db.Leases.AsNoTracking().AnyAsync(l => l.Name == name, cancellationToken))
        {
            return false;
        }

        var lease = new Lease { Name = name, Holder = holder, ExpiresAt = until };
        try
        {
            db.Leases.Add(lease);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another node inserted the lease first.
            return false;
        }
        finally
        {
            db.Entry(lease).State = EntityState.Detached;
        }
    }

    public Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken) =>
        db.Leases.Where(l => l.Name == name && l.Holder == holder).ExecuteDeleteAsync(cancellationToken);
}

/// <summary>One upsert per hit: <c>INSERT … ON CONFLICT DO UPDATE … RETURNING</c>, the same SQL on SQLite (3.35+) and PostgreSQL.</summary>
internal sealed class RateCounterStore(SignpostDbContext db) : IRateCounterStore
{
    public async Task<int> HitAsync(string key, long window, CancellationToken cancellationToken)
    {
        var counts = await db.Database.SqlQuery<int>($"""
            INSERT INTO "RateCounters" ("Key", "Window", "Count") VALUES ({key}, {window}, 1)
            ON CONFLICT ("Key", "Window") DO UPDATE SET "Count" = "RateCounters"."Count" + 1
            RETURNING "Count" AS "Value"
            """).ToListAsync(cancellationToken);
        return counts[0];
    }

    public Task<int> PurgeBeforeAsync(long window, CancellationToken cancellationToken) =>
        db.RateCounters.Where(c => c.Window < window).ExecuteDeleteAsync(cancellationToken);
}

/// <summary>One key's count in one fixed window.</summary>
public sealed class RateCounter
{
    public required string Key { get; set; }
    public long Window { get; set; }
    public int Count { get; set; }
}

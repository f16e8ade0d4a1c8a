using Microsoft.EntityFrameworkCore;
using Signpost.Core.Scheduling;

namespace Signpost.Data.Stores;

/// <summary>Leases by one conditional UPDATE (take an expired lease or renew one's own), else one INSERT that only the first node wins (the others lose without an error).</summary>
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

        // The first take: an INSERT that loses quietly when another node inserted the lease first (ON CONFLICT DO NOTHING, the
        // same SQL on SQLite and PostgreSQL). Through SaveChanges the loser's unique-key violation was logged by EF at Error
        // level, though losing the race is the lease working as meant. The expiry goes in as the model stores it.
        var expires = db.Model.FindEntityType(typeof(Lease))!.FindProperty(nameof(Lease.ExpiresAt))!.GetTypeMapping().Converter?.ConvertToProvider(until) ?? until;
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Leases" ("Name", "Holder", "ExpiresAt") VALUES ({name}, {holder}, {expires})
            ON CONFLICT ("Name") DO NOTHING
            """, cancellationToken);
        return inserted == 1;
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

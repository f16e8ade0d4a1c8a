using Microsoft.EntityFrameworkCore;
using Signpost.Core.Scheduling;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>The per-address sign-in limit counts in the database, so N nodes share one exact count.</summary>
public sealed class RateCounterStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task HitAsync_FiftyConcurrentHits_ReturnsOneToFiftyEachOnce(string provider)
    {
        var host = await StartAsync(provider);

        var counts = await ConcurrentlyAsync(50, _ => host.WithAsync<IRateCounterStore, int>(store =>
            store.HitAsync("sign-in:203.0.113.9", 29_000_000, CancellationToken.None)));

        Assert.Equal(Enumerable.Range(1, 50), counts.Order());
        var row = await host.DbAsync(db => db.RateCounters.AsNoTracking().SingleAsync());
        Assert.Equal(("sign-in:203.0.113.9", 29_000_000L, 50), (row.Key, row.Window, row.Count));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task HitAsync_OtherKeyOrWindow_CountsSeparately(string provider)
    {
        var host = await StartAsync(provider);

        var first = await host.WithAsync<IRateCounterStore, int>(store => store.HitAsync("a", 10, CancellationToken.None));
        var second = await host.WithAsync<IRateCounterStore, int>(store => store.HitAsync("a", 10, CancellationToken.None));
        var otherKey = await host.WithAsync<IRateCounterStore, int>(store => store.HitAsync("b", 10, CancellationToken.None));
        var nextWindow = await host.WithAsync<IRateCounterStore, int>(store => store.HitAsync("a", 11, CancellationToken.None));

        Assert.Equal((1, 2, 1, 1), (first, second, otherKey, nextWindow));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task PurgeBeforeAsync_DeletesEarlierWindowsOnly(string provider)
    {
        var host = await StartAsync(provider);
        foreach (var window in new long[] { 8, 9, 10, 11 })
        {
            await host.WithAsync<IRateCounterStore, int>(store => store.HitAsync("a", window, CancellationToken.None));
        }

        var purged = await host.WithAsync<IRateCounterStore, int>(store => store.PurgeBeforeAsync(10, CancellationToken.None));

        Assert.Equal(2, purged);
        Assert.Equal([10L, 11L], await host.DbAsync(db => db.RateCounters.AsNoTracking().Select(c => c.Window).OrderBy(w => w).ToListAsync()));
        Assert.Equal(2, await host.WithAsync<IRateCounterStore, int>(store => store.HitAsync("a", 10, CancellationToken.None)));
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Signpost.Core.Scheduling;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>Leases run each scheduled job on one node at a time: one holder, renewed by it, taken over when it lapses.</summary>
public sealed class LeaseStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private const string Job = "maintenance-notifier";
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(3);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryAcquireAsync_TwentyNodesAtOnce_ExactlyOneHoldsTheLease(string provider)
    {
        var host = await StartAsync(provider);

        var acquired = await ConcurrentlyAsync(20, i => host.WithAsync<ILeaseStore, bool>(store =>
            store.TryAcquireAsync(Job, $"node-{i}", Duration, Now, CancellationToken.None)));

        var winner = Assert.Single(acquired.Select((won, i) => (won, i)), a => a.won).i;
        var lease = await host.DbAsync(db => db.Leases.AsNoTracking().SingleAsync());
        Assert.Equal((Job, $"node-{winner}", Now + Duration), (lease.Name, lease.Holder, lease.ExpiresAt));
        // Losing the race is the lease working: nothing at Warning or above (EF once logged each loser's unique-key violation as an error).
        Assert.DoesNotContain(host.Logs, l => l.Level >= LogLevel.Warning);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryAcquireAsync_ConcurrentRivalsOfAHeldLease_AllRefusedAndTheHolderStays(string provider)
    {
        var host = await StartAsync(provider);
        await host.WithAsync<ILeaseStore, bool>(store => store.TryAcquireAsync(Job, "node-a", Duration, Now, CancellationToken.None));

        var rivals = await ConcurrentlyAsync(20, i => host.WithAsync<ILeaseStore, bool>(store =>
            store.TryAcquireAsync(Job, $"rival-{i}", Duration, Now.AddMinutes(1), CancellationToken.None)));

        Assert.All(rivals, Assert.False);
        var lease = await host.DbAsync(db => db.Leases.AsNoTracking().SingleAsync());
        Assert.Equal(("node-a", Now + Duration), (lease.Holder, lease.ExpiresAt));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryAcquireAsync_HolderRenews_ExtendsItsOwnLease(string provider)
    {
        var host = await StartAsync(provider);
        await host.WithAsync<ILeaseStore, bool>(store => store.TryAcquireAsync(Job, "node-a", Duration, Now, CancellationToken.None));

        var renewed = await host.WithAsync<ILeaseStore, bool>(store => store.TryAcquireAsync(Job, "node-a", Duration, Now.AddMinutes(1), CancellationToken.None));

        Assert.True(renewed);
        var lease = await host.DbAsync(db => db.Leases.AsNoTracking().SingleAsync());
        Assert.Equal(("node-a", Now.AddMinutes(1) + Duration), (lease.Holder, lease.ExpiresAt));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryAcquireAsync_AfterTheHoldersLeaseExpired_AnotherNodeTakesOver(string provider)
    {
        var host = await StartAsync(provider);
        await host.WithAsync<ILeaseStore, bool>(store => store.TryAcquireAsync(Job, "node-a", Duration, Now, CancellationToken.None));
        var beforeExpiry = await host.WithAsync<ILeaseStore, bool>(store => store.TryAcquireAsync(Job, "node-b", Duration, Now + Duration - TimeSpan.FromSeconds(1), CancellationToken.None));

        var afterExpiry = await host.WithAsync<ILeaseStore, bool>(store => store.TryAcquireAsync(Job, "node-b", Duration, Now + Duration, CancellationToken.None));
        var oldHolderAgain = await host.WithAsync<ILeaseStore, bool>(store => store.TryAcquireAsync(Job, "node-a", Duration, Now + Duration, CancellationToken.None));

        Assert.Equal((false, true, false), (beforeExpiry, afterExpiry, oldHolderAgain));
        var lease = await host.DbAsync(db => db.Leases.AsNoTracking().SingleAsync());
        Assert.Equal(("node-b", Now + Duration + Duration), (lease.Holder, lease.ExpiresAt));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReleaseAsync_ByTheHolder_LetsAnotherNodeTakeTheLeaseAtOnce(string provider)
    {
        var host = await StartAsync(provider);
        await host.WithAsync<ILeaseStore, bool>(store => store.TryAcquireAsync(Job, "node-a", Duration, Now, CancellationToken.None));

        await host.WithAsync<ILeaseStore>(store => store.ReleaseAsync(Job, "node-b", CancellationToken.None));
        var whileHeld = await host.WithAsync<ILeaseStore, bool>(store => store.TryAcquireAsync(Job, "node-b", Duration, Now, CancellationToken.None));
        await host.WithAsync<ILeaseStore>(store => store.ReleaseAsync(Job, "node-a", CancellationToken.None));
        var afterRelease = await host.WithAsync<ILeaseStore, bool>(store => store.TryAcquireAsync(Job, "node-b", Duration, Now, CancellationToken.None));

        Assert.Equal((false, true), (whileHeld, afterRelease));
        Assert.Equal("node-b", (await host.DbAsync(db => db.Leases.AsNoTracking().SingleAsync())).Holder);
    }
}

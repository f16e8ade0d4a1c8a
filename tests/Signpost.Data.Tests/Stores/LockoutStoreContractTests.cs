using Microsoft.EntityFrameworkCore;
using Signpost.Core.Lockout;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// The lockout counter must count exactly under concurrency, on any number of nodes: ASP.NET Core
/// Identity's read-modify-write counter raced (CVE-2023-33170), letting an attacker try more passwords
/// than the threshold allows.
/// </summary>
public sealed class LockoutStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private const int Threshold = 50;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(30);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterFailureAsync_SixtyConcurrentFailuresOnAFreshKey_CountsExactlyAndLocksAtTheThresholdOnce(string provider)
    {
        // Arrange: no counter row yet, so the first failures also race to insert it.
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();

        // Act: 60 wrong passwords at once, each through its own DbContext and connection.
        var tallies = await ConcurrentlyAsync(60, _ => host.WithAsync<ILockoutStore, FailureTally>(store =>
            store.RegisterFailureAsync(accountId, LockoutCounter.UntrustedKey, Threshold, Window, Duration, Now, CancellationToken.None)));

        // Assert: a failure is either counted or refused because of a lock; never dropped in between.
        var dropped = tallies.Count(t => !t.Counted && t.LockedUntil is null);
        Assert.True(dropped == 0, $"{dropped} of 60 failures were neither counted nor refused by a lock (counts seen: {string.Join(", ", tallies.Select(t => t.FailureCount).Order())}).");

        // Exactly the threshold counted, each count seen once; the 50th locked; the rest were refused uncounted.
        var counted = tallies.Where(t => t.Counted).ToList();
        Assert.Equal(Enumerable.Range(1, Threshold), counted.Select(t => t.FailureCount).Order());
        var locking = Assert.Single(counted, t => t.LockedUntil is not null);
        Assert.Equal(Threshold, locking.FailureCount);
        Assert.Equal(Now + Duration, locking.LockedUntil);
        var refused = tallies.Where(t => !t.Counted).ToList();
        Assert.Equal(10, refused.Count);
        Assert.All(refused, t => Assert.Equal((Threshold, Now + Duration), (t.FailureCount, t.LockedUntil)));

        var row = await host.DbAsync(db => db.LockoutCounters.AsNoTracking().SingleAsync());
        Assert.Equal(accountId, row.AccountId);
        Assert.Equal(LockoutCounter.UntrustedKey, row.DeviceKey);
        Assert.Equal(Threshold, row.FailureCount);
        Assert.Equal(Now + Duration, row.LockedUntil);
        Assert.Equal(Now, row.WindowStartedAt);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterFailureAsync_ConcurrentFailuresOnAnExistingCounter_CountsEveryOne(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();
        await host.WithAsync<ILockoutStore>(store =>
            store.RegisterFailureAsync(accountId, "device-1", Threshold, Window, Duration, Now, CancellationToken.None));

        var tallies = await ConcurrentlyAsync(40, _ => host.WithAsync<ILockoutStore, FailureTally>(store =>
            store.RegisterFailureAsync(accountId, "device-1", Threshold, Window, Duration, Now.AddSeconds(1), CancellationToken.None)));

        Assert.All(tallies, t => Assert.True(t.Counted));
        Assert.Equal(Enumerable.Range(2, 40), tallies.Select(t => t.FailureCount).Order());
        Assert.All(tallies, t => Assert.Null(t.LockedUntil));
        var row = await host.WithAsync<ILockoutStore, LockoutCounter?>(store => store.GetAsync(accountId, "device-1", CancellationToken.None));
        Assert.Equal((41, (DateTimeOffset?)null, Now), (row!.FailureCount, row.LockedUntil, row.WindowStartedAt));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterFailureAsync_AfterTheWindow_StartsCountingAgainAtOne(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();
        for (var i = 0; i < 3; i++)
        {
            await host.WithAsync<ILockoutStore>(store =>
                store.RegisterFailureAsync(accountId, LockoutCounter.UntrustedKey, Threshold, Window, Duration, Now, CancellationToken.None));
        }

        var later = Now + Window + TimeSpan.FromSeconds(1);
        var tally = await host.WithAsync<ILockoutStore, FailureTally>(store =>
            store.RegisterFailureAsync(accountId, LockoutCounter.UntrustedKey, Threshold, Window, Duration, later, CancellationToken.None));

        Assert.Equal(new FailureTally(true, 1, null), tally);
        var row = await host.WithAsync<ILockoutStore, LockoutCounter?>(store => store.GetAsync(accountId, LockoutCounter.UntrustedKey, CancellationToken.None));
        Assert.Equal((1, later), (row!.FailureCount, row.WindowStartedAt));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ResetAsync_LockedKey_ClearsTheLockAndListLockedNoLongerHasIt(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();
        await host.WithAsync<ILockoutStore>(store => store.LockAsync(accountId, LockoutCounter.UntrustedKey, 10, Now.AddHours(1), CancellationToken.None));
        var lockedBefore = await host.WithAsync<ILockoutStore, IReadOnlyList<LockoutCounter>>(store => store.ListLockedAsync(Now, CancellationToken.None));

        await host.WithAsync<ILockoutStore>(store => store.ResetAsync(accountId, LockoutCounter.UntrustedKey, CancellationToken.None));

        Assert.Equal(accountId, Assert.Single(lockedBefore).AccountId);
        Assert.Empty(await host.WithAsync<ILockoutStore, IReadOnlyList<LockoutCounter>>(store => store.ListLockedAsync(Now, CancellationToken.None)));
        Assert.Equal(0, await host.DbAsync(db => db.LockoutCounters.CountAsync()));
    }
}

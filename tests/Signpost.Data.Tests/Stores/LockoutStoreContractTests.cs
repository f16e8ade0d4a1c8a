using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Events;
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

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReserveCheckAsync_SixtyConcurrentChecksOnAKeyWithFailures_AdmitsExactlyWhatTheThresholdLeaves(string provider)
    {
        // Arrange: 20 failures counted, no row for the first reservation to race on beyond that.
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();
        for (var i = 0; i < 20; i++)
        {
            await host.WithAsync<ILockoutStore>(store =>
                store.RegisterFailureAsync(accountId, LockoutCounter.UntrustedKey, Threshold, Window, Duration, Now, CancellationToken.None));
        }

        // Act: 60 checks at once, each through its own DbContext and connection, before any is hashed.
        var reservations = await ConcurrentlyAsync(60, _ => host.WithAsync<ILockoutStore, CheckReservation>(store =>
            store.ReserveCheckAsync(accountId, LockoutCounter.UntrustedKey, Threshold, Window, Now.AddSeconds(1), CancellationToken.None)));

        // Assert: 50 − 20 = 30 admitted to hashing; the rest refused, not locked yet (no failure was added).
        Assert.Equal(30, reservations.Count(r => r.Admitted));
        Assert.All(reservations.Where(r => !r.Admitted), r => Assert.Null(r.LockedUntil));
        var row = await host.WithAsync<ILockoutStore, LockoutCounter?>(store => store.GetAsync(accountId, LockoutCounter.UntrustedKey, CancellationToken.None));
        Assert.Equal((20, 30, (DateTimeOffset?)null), (row!.FailureCount, row.InFlight, row.LockedUntil));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReserveCheckAsync_ConcurrentChecksOnAFreshKey_AdmitsTheThreshold_AndTheirFailuresLockItExactly(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();

        // Act: 60 checks race on a key with no row; the admitted ones are then counted as wrong passwords, at once.
        var reservations = await ConcurrentlyAsync(60, _ => host.WithAsync<ILockoutStore, CheckReservation>(store =>
            store.ReserveCheckAsync(accountId, "device-1", Threshold, Window, Now, CancellationToken.None)));
        var admitted = reservations.Count(r => r.Admitted);
        var tallies = await ConcurrentlyAsync(admitted, _ => host.WithAsync<ILockoutStore, FailureTally>(store =>
            store.CountReservedFailureAsync(accountId, "device-1", Threshold, Window, Duration, Now.AddSeconds(1), CancellationToken.None)));
        var after = await host.WithAsync<ILockoutStore, CheckReservation>(store =>
            store.ReserveCheckAsync(accountId, "device-1", Threshold, Window, Now.AddSeconds(2), CancellationToken.None));

        // Assert: exactly the threshold hashed, every one counted, the last locking; nothing left in flight.
        Assert.Equal(Threshold, admitted);
        Assert.All(tallies, t => Assert.True(t.Counted));
        Assert.Equal(Enumerable.Range(1, Threshold), tallies.Select(t => t.FailureCount).Order());
        Assert.Equal(new CheckReservation(false, Now.AddSeconds(1) + Duration), after);
        var row = await host.WithAsync<ILockoutStore, LockoutCounter?>(store => store.GetAsync(accountId, "device-1", CancellationToken.None));
        Assert.Equal((Threshold, 0, Now.AddSeconds(1)), (row!.FailureCount, row.InFlight, row.WindowStartedAt));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReserveCheckAsync_ChecksNeverSettled_StopCountingAfterTheirLifetime(string provider)
    {
        // Arrange: the whole threshold in flight, as a crashed node would leave it.
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();
        for (var i = 0; i < Threshold; i++)
        {
            Assert.True((await host.WithAsync<ILockoutStore, CheckReservation>(store =>
                store.ReserveCheckAsync(accountId, LockoutCounter.UntrustedKey, Threshold, Window, Now, CancellationToken.None))).Admitted);
        }

        // Act
        var meanwhile = await host.WithAsync<ILockoutStore, CheckReservation>(store =>
            store.ReserveCheckAsync(accountId, LockoutCounter.UntrustedKey, Threshold, Window, Now + LockoutCounter.ReservationLifetime - TimeSpan.FromSeconds(1), CancellationToken.None));
        var later = Now + LockoutCounter.ReservationLifetime + TimeSpan.FromSeconds(1);
        var after = await host.WithAsync<ILockoutStore, CheckReservation>(store =>
            store.ReserveCheckAsync(accountId, LockoutCounter.UntrustedKey, Threshold, Window, later, CancellationToken.None));

        // Assert: refused while they may still be hashing; reclaimed after, the count starting again at this one.
        Assert.Equal(new CheckReservation(false, null), meanwhile);
        Assert.True(after.Admitted);
        var row = await host.WithAsync<ILockoutStore, LockoutCounter?>(store => store.GetAsync(accountId, LockoutCounter.UntrustedKey, CancellationToken.None));
        Assert.Equal((1, (DateTimeOffset?)later, 0), (row!.InFlight, row.InFlightSince, row.FailureCount));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReleaseRightCheckAsync_GivesThePlaceBack_AndResetKeepsOtherChecksInFlight(string provider)
    {
        // Arrange: 3 failures; 2 checks in flight, one of them the right password.
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();
        for (var i = 0; i < 3; i++)
        {
            await host.WithAsync<ILockoutStore>(store =>
                store.RegisterFailureAsync(accountId, LockoutCounter.UntrustedKey, Threshold, Window, Duration, Now, CancellationToken.None));
        }

        for (var i = 0; i < 2; i++)
        {
            await host.WithAsync<ILockoutStore>(store =>
                store.ReserveCheckAsync(accountId, LockoutCounter.UntrustedKey, Threshold, Window, Now, CancellationToken.None));
        }

        // Act: the right one is given back, then its sign-in completes and clears the failures.
        var released = await host.WithAsync<ILockoutStore, ReleasedCheck>(store =>
            store.ReleaseRightCheckAsync(accountId, LockoutCounter.UntrustedKey, Now, CancellationToken.None));
        await host.WithAsync<ILockoutStore>(store => store.ResetAsync(accountId, LockoutCounter.UntrustedKey, CancellationToken.None));
        var row = await host.WithAsync<ILockoutStore, LockoutCounter?>(store => store.GetAsync(accountId, LockoutCounter.UntrustedKey, CancellationToken.None));
        await host.WithAsync<ILockoutStore>(store => store.CancelCheckAsync(accountId, LockoutCounter.UntrustedKey, Now, CancellationToken.None));
        await host.WithAsync<ILockoutStore>(store => store.ResetAsync(accountId, LockoutCounter.UntrustedKey, CancellationToken.None));

        // Assert: the failures were there to clear; the other check kept its place through the reset; with none
        // left in flight a reset removes the row.
        Assert.Equal(new ReleasedCheck(true, null), released);
        Assert.Equal((0, 1, (DateTimeOffset?)null), (row!.FailureCount, row.InFlight, row.LockedUntil));
        Assert.Equal(0, await host.DbAsync(db => db.LockoutCounters.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReleaseRightCheckAsync_KeyLockedWhileHashing_SaysLocked_AndACleanKeyHasNothingToClear(string provider)
    {
        var host = await StartAsync(provider);
        var locked = Guid.NewGuid();
        var clean = Guid.NewGuid();
        foreach (var id in new[] { locked, clean })
        {
            await host.WithAsync<ILockoutStore>(store => store.ReserveCheckAsync(id, LockoutCounter.UntrustedKey, Threshold, Window, Now, CancellationToken.None));
        }

        await host.WithAsync<ILockoutStore>(store => store.LockAsync(locked, LockoutCounter.UntrustedKey, 10, Now.AddHours(1), CancellationToken.None));

        var onLocked = await host.WithAsync<ILockoutStore, ReleasedCheck>(store => store.ReleaseRightCheckAsync(locked, LockoutCounter.UntrustedKey, Now, CancellationToken.None));
        var onClean = await host.WithAsync<ILockoutStore, ReleasedCheck>(store => store.ReleaseRightCheckAsync(clean, LockoutCounter.UntrustedKey, Now, CancellationToken.None));

        Assert.Equal(new ReleasedCheck(true, Now.AddHours(1)), onLocked);
        Assert.Equal(new ReleasedCheck(false, null), onClean);
        var row = await host.WithAsync<ILockoutStore, LockoutCounter?>(store => store.GetAsync(clean, LockoutCounter.UntrustedKey, CancellationToken.None));
        Assert.Equal((0, 0), (row!.InFlight, row.FailureCount));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task PurgeQuietAsync_DeletesOnlyCountersThatHoldNothing_AndKeepsTheSentinel(string provider)
    {
        // Arrange: one key per case, as the checks and failures of the day before Now left them.
        var host = await StartAsync(provider);
        var keys = new Dictionary<string, Guid>();
        Guid Key(string name) => keys[name] = Guid.NewGuid();
        Task Reserve(Guid id, DateTimeOffset at) => host.WithAsync<ILockoutStore>(store => store.ReserveCheckAsync(id, LockoutCounter.UntrustedKey, Threshold, Window, at, CancellationToken.None));
        Task Fail(Guid id, DateTimeOffset at) => host.WithAsync<ILockoutStore>(store => store.RegisterFailureAsync(id, LockoutCounter.UntrustedKey, Threshold, Window, Duration, at, CancellationToken.None));
        Task Lock(Guid id, DateTimeOffset until) => host.WithAsync<ILockoutStore>(store => store.LockAsync(id, LockoutCounter.UntrustedKey, 10, until, CancellationToken.None));
        async Task ReserveAndSettle(Guid id, DateTimeOffset at)
        {
            await Reserve(id, at);
            await host.WithAsync<ILockoutStore>(store => store.ReleaseRightCheckAsync(id, LockoutCounter.UntrustedKey, at, CancellationToken.None));
        }

        await ReserveAndSettle(Key("clean"), Now.AddMinutes(-5));
        await Reserve(Key("in flight"), Now.AddSeconds(-10));
        await Reserve(Key("lapsed in flight"), Now - LockoutCounter.ReservationLifetime - TimeSpan.FromSeconds(1));
        await Fail(Key("failure an hour ago"), Now.AddHours(-1));
        await Fail(Key("failure 25 hours ago"), Now.AddHours(-25));
        await Lock(Key("locked"), Now.AddHours(1));
        await Lock(Key("lock ended an hour ago"), Now.AddHours(-1));
        await Lock(Key("lock ended two days ago"), Now.AddDays(-2));
        await ReserveAndSettle(Guid.Empty, Now.AddMinutes(-5));

        // Act
        var purged = await host.WithAsync<ILockoutStore, int>(store => store.PurgeQuietAsync(Now, CancellationToken.None));

        // Assert: gone are the keys with nothing a window, a lock or a check could still count; the rest and the sentinel stay.
        var left = await host.DbAsync(db => db.LockoutCounters.AsNoTracking().Select(c => c.AccountId).ToListAsync());
        var kept = keys.Where(k => left.Contains(k.Value)).Select(k => k.Key).Order().ToList();
        Assert.Equal(["failure an hour ago", "in flight", "lock ended an hour ago", "locked"], kept);
        Assert.Contains(Guid.Empty, left);
        Assert.Equal(4, purged);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task PurgeQuietAsync_RacingSixtyReservations_NeverDeletesAReservedRow(string provider)
    {
        // Arrange: 60 keys whose rows hold nothing (a check each, settled), so every one is the purge's to delete.
        var host = await StartAsync(provider);
        var accounts = Enumerable.Range(0, 60).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in accounts)
        {
            await host.WithAsync<ILockoutStore>(store => store.ReserveCheckAsync(id, LockoutCounter.UntrustedKey, Threshold, Window, Now.AddMinutes(-5), CancellationToken.None));
            await host.WithAsync<ILockoutStore>(store => store.CancelCheckAsync(id, LockoutCounter.UntrustedKey, Now.AddMinutes(-5), CancellationToken.None));
        }

        // Act: a new check on every key while purges run, each through its own DbContext and connection.
        var results = await ConcurrentlyAsync(70, i => i < 60
            ? host.WithAsync<ILockoutStore, int>(async store => (await store.ReserveCheckAsync(accounts[i], LockoutCounter.UntrustedKey, Threshold, Window, Now, CancellationToken.None)).Admitted ? 1 : 0)
            : host.WithAsync<ILockoutStore, int>(store => store.PurgeQuietAsync(Now, CancellationToken.None)));

        // Assert: every check was admitted and holds its place on a row: a purge deleted a key before its check
        // (which then inserted a new row) or not at all, never a place just taken.
        Assert.Equal(60, results.Take(60).Sum());
        var rows = await host.DbAsync(db => db.LockoutCounters.AsNoTracking().ToListAsync());
        Assert.All(accounts, id => Assert.Equal((1, (DateTimeOffset?)Now), rows.Where(r => r.AccountId == id).Select(r => (r.InFlight, r.InFlightSince)).Single()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task CountReservedFailureAsync_InsideAWriteTransaction_IsCountedOnlyWhenItCommits(string provider)
    {
        // Arrange: a check in flight on one key; another key has no row at all (its failure inserts one).
        var host = await StartAsync(provider);
        var reserved = Guid.NewGuid();
        var fresh = Guid.NewGuid();
        await host.WithAsync<ILockoutStore>(store => store.ReserveCheckAsync(reserved, LockoutCounter.UntrustedKey, Threshold, Window, Now, CancellationToken.None));
        Task<FailureTally> Count(IServiceProvider scope, Guid id) => scope.GetRequiredService<ILockoutStore>()
            .CountReservedFailureAsync(id, LockoutCounter.UntrustedKey, Threshold, Window, Duration, Now, CancellationToken.None);

        // Act: counted in a transaction never committed (an event that failed); then both keys in one that commits.
        var rolledBack = await host.WithAsync<IServiceProvider, FailureTally>(async scope =>
        {
            await using var transaction = await scope.GetRequiredService<IWriteTransactions>().BeginAsync(CancellationToken.None);
            return await Count(scope, reserved);
        });
        var afterRollback = await host.WithAsync<ILockoutStore, LockoutCounter?>(store => store.GetAsync(reserved, LockoutCounter.UntrustedKey, CancellationToken.None));
        var committed = await host.WithAsync<IServiceProvider, (FailureTally, FailureTally)>(async scope =>
        {
            await using var transaction = await scope.GetRequiredService<IWriteTransactions>().BeginAsync(CancellationToken.None);
            var tallies = (await Count(scope, reserved), await Count(scope, fresh));
            await transaction.CommitAsync(CancellationToken.None);
            return tallies;
        });

        // Assert: the uncommitted failure left nothing but its check's place (which lapses); the committed ones count.
        Assert.Equal(new FailureTally(true, 1, null), rolledBack);
        Assert.Equal((0, 1), (afterRollback!.FailureCount, afterRollback.InFlight));
        Assert.Equal((new FailureTally(true, 1, null), new FailureTally(true, 1, null)), committed);
        var rows = await host.DbAsync(db => db.LockoutCounters.AsNoTracking().OrderBy(c => c.FailureCount).ToListAsync());
        Assert.Equal([(1, 0), (1, 0)], rows.Select(r => (r.FailureCount, r.InFlight)).ToList());
    }
}

using Microsoft.EntityFrameworkCore;
using Signpost.Core.Lockout;
using Signpost.Core.Mfa;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// The second factor's store: wrong codes count exactly under concurrency like wrong passwords, a time step is
/// accepted once and a recovery code redeemed once however many requests race for it (docs/mfa.md).
/// </summary>
public sealed class SecondFactorStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private const int Threshold = 5;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(15);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterFailureAsync_FortyConcurrentWrongCodes_CountsExactlyTheThresholdAndLocksOnce(string provider)
    {
        // Arrange: no state row yet, so the first failures also race to insert it.
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();

        // Act
        var tallies = await ConcurrentlyAsync(40, _ => host.WithAsync<ISecondFactorStore, FailureTally>(store =>
            store.RegisterFailureAsync(accountId, Threshold, Window, Duration, Now, CancellationToken.None)));

        // Assert: each failure counted or refused by the lock, never dropped; exactly the threshold counted.
        Assert.DoesNotContain(tallies, t => !t.Counted && t.LockedUntil is null);
        var counted = tallies.Where(t => t.Counted).ToList();
        Assert.Equal(Enumerable.Range(1, Threshold), counted.Select(t => t.FailureCount).Order());
        Assert.Equal(Threshold, Assert.Single(counted, t => t.LockedUntil is not null).FailureCount);
        Assert.Equal(40 - Threshold, tallies.Count(t => !t.Counted));
        var row = await host.DbAsync(db => db.SecondFactorStates.AsNoTracking().SingleAsync());
        Assert.Equal((accountId, Threshold, (DateTimeOffset?)(Now + Duration)), (row.AccountId, row.FailureCount, row.LockedUntil));
        // The password's counter is another thing entirely.
        Assert.Equal(0, await host.DbAsync(db => db.LockoutCounters.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryUseStepAsync_TwentyConcurrentUsesOfOneStep_AcceptsExactlyOne(string provider)
    {
        var host = await StartAsync(provider);
        var authenticator = await AddConfirmedAsync(host, Guid.NewGuid(), step: 100);

        var accepted = await ConcurrentlyAsync(20, _ => host.WithAsync<ISecondFactorStore, bool>(store =>
            store.TryUseStepAsync(authenticator.Id, 101, 0, Now, CancellationToken.None)));

        Assert.Equal(1, accepted.Count(a => a));
        Assert.False(await host.WithAsync<ISecondFactorStore, bool>(store => store.TryUseStepAsync(authenticator.Id, 100, 0, Now, CancellationToken.None)));
        Assert.True(await host.WithAsync<ISecondFactorStore, bool>(store => store.TryUseStepAsync(authenticator.Id, 102, 1, Now, CancellationToken.None)));
        var row = await host.DbAsync(db => db.TotpAuthenticators.AsNoTracking().SingleAsync());
        Assert.Equal((102L, (int?)1), (row.LastUsedStep, row.MeasuredSkewSteps));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RedeemRecoveryCodeAsync_ConcurrentRedemptions_EachCodeOnceAndRegenerationVoidsTheOldSet(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();
        var old = Enumerable.Range(0, 10).Select(i => $"old-{i}").ToList();
        await host.WithAsync<ISecondFactorStore>(store => store.ReplaceRecoveryCodesAsync(accountId, old, Now, CancellationToken.None));

        var redeemed = await ConcurrentlyAsync(12, _ => host.WithAsync<ISecondFactorStore, bool>(store =>
            store.RedeemRecoveryCodeAsync(accountId, "old-3", Now, CancellationToken.None)));
        var left = await host.WithAsync<ISecondFactorStore, int>(store => store.CountRecoveryCodesLeftAsync(accountId, CancellationToken.None));
        await host.WithAsync<ISecondFactorStore>(store => store.ReplaceRecoveryCodesAsync(accountId, ["new-0", "new-1"], Now, CancellationToken.None));

        Assert.Equal(1, redeemed.Count(r => r));
        Assert.Equal(9, left);
        Assert.False(await host.WithAsync<ISecondFactorStore, bool>(store => store.RedeemRecoveryCodeAsync(accountId, "old-4", Now, CancellationToken.None)));
        Assert.False(await host.WithAsync<ISecondFactorStore, bool>(store => store.RedeemRecoveryCodeAsync(Guid.NewGuid(), "new-0", Now, CancellationToken.None)));
        Assert.True(await host.WithAsync<ISecondFactorStore, bool>(store => store.RedeemRecoveryCodeAsync(accountId, "new-0", Now, CancellationToken.None)));
        Assert.Equal(2, await host.DbAsync(db => db.RecoveryCodes.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ResetAllAsync_EnrolledAndLocked_RemovesEverythingAndAsksForEnrolment(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();
        var other = Guid.NewGuid();
        await AddConfirmedAsync(host, accountId, step: 1);
        await AddConfirmedAsync(host, other, step: 1);
        await host.WithAsync<ISecondFactorStore>(store => store.ReplaceRecoveryCodesAsync(accountId, ["a", "b"], Now, CancellationToken.None));
        for (var i = 0; i < Threshold; i++)
        {
            await host.WithAsync<ISecondFactorStore>(store => store.RegisterFailureAsync(accountId, Threshold, Window, Duration, Now, CancellationToken.None));
        }

        var removed = await host.WithAsync<ISecondFactorStore, int>(store => store.ResetAllAsync(accountId, Now.AddMinutes(1), CancellationToken.None));

        Assert.Equal(1, removed);
        var state = await host.WithAsync<ISecondFactorStore, SecondFactorState?>(store => store.GetStateAsync(accountId, CancellationToken.None));
        Assert.Equal((0, (DateTimeOffset?)null, true, (DateTimeOffset?)Now.AddMinutes(1)), (state!.FailureCount, state.LockedUntil, state.EnrolmentRequired, state.ResetAt));
        Assert.Equal(other, Assert.Single(await host.DbAsync(db => db.TotpAuthenticators.AsNoTracking().ToListAsync())).AccountId);
        Assert.Equal(0, await host.DbAsync(db => db.RecoveryCodes.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartGraceAsync_CalledTwice_KeepsTheFirstStart(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();

        var first = await host.WithAsync<ISecondFactorStore, DateTimeOffset>(store => store.StartGraceAsync(accountId, Now, CancellationToken.None));
        var second = await host.WithAsync<ISecondFactorStore, DateTimeOffset>(store => store.StartGraceAsync(accountId, Now.AddDays(3), CancellationToken.None));

        Assert.Equal(Now, first);
        Assert.Equal(Now, second);
    }

    private static async Task<TotpAuthenticator> AddConfirmedAsync(StoreHost host, Guid accountId, long step)
    {
        var authenticator = new TotpAuthenticator { AccountId = accountId, Name = "phone", ProtectedSecret = "x", CreatedAt = Now };
        await host.WithAsync<ISecondFactorStore>(store => store.AddAuthenticatorAsync(authenticator, CancellationToken.None));
        Assert.True(await host.WithAsync<ISecondFactorStore, bool>(store => store.ConfirmAuthenticatorAsync(authenticator.Id, accountId, step, 0, Now, CancellationToken.None)));
        return authenticator;
    }
}

using Microsoft.EntityFrameworkCore;
using Signpost.Core.Notifications;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>Once-only notifications (maintenance notices, escalations): one claim wins, a sent key stays sent.</summary>
public sealed class NotificationLogContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private const string Key = "maintenance:notice:riverside:2026-12-01";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryClaimAsync_TwentySendersAtOnce_ExactlyOneClaims(string provider)
    {
        var host = await StartAsync(provider);

        var claims = await ConcurrentlyAsync(20, _ => host.WithAsync<INotificationLog, NotificationClaim>(log =>
            log.TryClaimAsync(Key, Now, Now.AddMinutes(5), CancellationToken.None)));

        Assert.Single(claims, c => c == NotificationClaim.Claimed);
        Assert.Equal(19, claims.Count(c => c == NotificationClaim.HeldElsewhere));
        var row = await host.DbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().SingleAsync());
        Assert.Equal((Key, Now.AddMinutes(5), (DateTimeOffset?)null), (row.Key, row.ClaimedUntil, row.SentAt));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryClaimAsync_ExpiredUnsentClaim_IsTakenOverByExactlyOneSender(string provider)
    {
        var host = await StartAsync(provider);
        await host.WithAsync<INotificationLog, NotificationClaim>(log => log.TryClaimAsync(Key, Now, Now.AddMinutes(5), CancellationToken.None));

        var stillHeld = await host.WithAsync<INotificationLog, NotificationClaim>(log => log.TryClaimAsync(Key, Now.AddMinutes(4), Now.AddMinutes(9), CancellationToken.None));
        var takeovers = await ConcurrentlyAsync(10, _ => host.WithAsync<INotificationLog, NotificationClaim>(log =>
            log.TryClaimAsync(Key, Now.AddMinutes(6), Now.AddMinutes(11), CancellationToken.None)));

        Assert.Equal(NotificationClaim.HeldElsewhere, stillHeld);
        Assert.Single(takeovers, c => c == NotificationClaim.Claimed);
        Assert.Equal(Now.AddMinutes(11), (await host.DbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().SingleAsync())).ClaimedUntil);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task MarkSentAsync_ThenClaims_AreAlreadySentForever(string provider)
    {
        var host = await StartAsync(provider);
        await host.WithAsync<INotificationLog, NotificationClaim>(log => log.TryClaimAsync(Key, Now, Now.AddMinutes(5), CancellationToken.None));

        await host.WithAsync<INotificationLog>(log => log.MarkSentAsync(Key, Now.AddMinutes(1), CancellationToken.None));
        await host.WithAsync<INotificationLog>(log => log.ReleaseAsync(Key, CancellationToken.None));

        Assert.True(await host.WithAsync<INotificationLog, bool>(log => log.WasSentAsync(Key, CancellationToken.None)));
        Assert.Equal(NotificationClaim.AlreadySent, await host.WithAsync<INotificationLog, NotificationClaim>(log =>
            log.TryClaimAsync(Key, Now.AddDays(1), Now.AddDays(1).AddMinutes(5), CancellationToken.None)));
        Assert.Equal(Now.AddMinutes(1), (await host.DbAsync(db => db.Set<NotificationDelivery>().AsNoTracking().SingleAsync())).SentAt);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReleaseAsync_UnsentClaim_LetsTheNextRunClaim(string provider)
    {
        var host = await StartAsync(provider);
        await host.WithAsync<INotificationLog, NotificationClaim>(log => log.TryClaimAsync(Key, Now, Now.AddMinutes(5), CancellationToken.None));

        await host.WithAsync<INotificationLog>(log => log.ReleaseAsync(Key, CancellationToken.None));
        var next = await host.WithAsync<INotificationLog, NotificationClaim>(log => log.TryClaimAsync(Key, Now.AddMinutes(1), Now.AddMinutes(6), CancellationToken.None));

        Assert.Equal(NotificationClaim.Claimed, next);
        Assert.False(await host.WithAsync<INotificationLog, bool>(log => log.WasSentAsync(Key, CancellationToken.None)));
    }
}

using Microsoft.EntityFrameworkCore;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Core.OpenIdProvider;
using Signpost.Core.Sessions;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// Which portals received tokens for which session, and the back-channel logouts queued when sessions end:
/// one pair per session and client, only ended sessions are owed a logout, and a logout is queued once however
/// many nodes see the end.
/// </summary>
public sealed class SessionClientStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RecordAsync_Twice_KeepsOnePairWithTheFirstTime(string provider)
    {
        var host = await StartAsync(provider);
        var session = await SessionAsync(host, Guid.NewGuid());

        await host.WithAsync<ISessionClientStore>(store => store.RecordAsync(session.Id, "claims-portal", session.AccountId, Now, CancellationToken.None));
        await host.WithAsync<ISessionClientStore>(store => store.RecordAsync(session.Id, "claims-portal", session.AccountId, Now.AddMinutes(5), CancellationToken.None));

        var pair = await host.DbAsync(db => db.SessionClients.AsNoTracking().SingleAsync(p => p.SessionId == session.Id));
        Assert.Equal(("claims-portal", session.AccountId, Now, (DateTimeOffset?)null), (pair.ClientId, pair.AccountId, pair.FirstTokensAt, pair.LogoutQueuedAt));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ListEndedUnqueued_OnlyRevokedSessionsOfTheAccount_AndQueueAsyncQueuesEachPairOnce(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();
        var ended = await SessionAsync(host, accountId);
        var live = await SessionAsync(host, accountId);
        var stranger = await SessionAsync(host, Guid.NewGuid());
        foreach (var (session, client) in new[] { (ended, "claims-portal"), (ended, "eligibility"), (live, "claims-portal"), (stranger, "claims-portal") })
        {
            await host.WithAsync<ISessionClientStore>(store => store.RecordAsync(session.Id, client, session.AccountId, Now, CancellationToken.None));
        }

        await host.WithAsync<ISessionStore>(store => store.RevokeAsync(ended.Id, Now.AddMinutes(1), "signed out", CancellationToken.None));
        await host.WithAsync<ISessionStore>(store => store.RevokeAsync(stranger.Id, Now.AddMinutes(1), "signed out", CancellationToken.None));
        var owed = await host.WithAsync<ISessionClientStore, IReadOnlyList<SessionClient>>(store => store.ListEndedUnqueuedAsync(accountId, CancellationToken.None));
        Assert.Equal(["claims-portal", "eligibility"], owed.Select(p => p.ClientId).Order());
        Assert.All(owed, p => Assert.Equal(ended.Id, p.SessionId));

        // Act: two nodes queue the same end; "eligibility" has no back-channel URI (no delivery, still marked).
        IReadOnlyList<(SessionClient, WebhookDelivery?)> Batch() =>
            [.. owed.Select(p => (p, p.ClientId == "eligibility" ? null : Delivery(p.ClientId)))];
        var first = await host.WithAsync<ISessionClientStore, int>(store => store.QueueAsync(Batch(), Now.AddMinutes(2), CancellationToken.None));
        var second = await host.WithAsync<ISessionClientStore, int>(store => store.QueueAsync(Batch(), Now.AddMinutes(3), CancellationToken.None));

        Assert.Equal((1, 0), (first, second));
        var delivery = await host.DbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync());
        Assert.Equal(("claims-portal", "https://claims.example/bcl", (Guid?)null), (delivery.ClientId, delivery.Target, delivery.IncidentId));
        Assert.Empty(await host.WithAsync<ISessionClientStore, IReadOnlyList<SessionClient>>(store => store.ListEndedUnqueuedAsync(accountId, CancellationToken.None)));
        var marks = await host.DbAsync(db => db.SessionClients.AsNoTracking().Where(p => p.SessionId == ended.Id).Select(p => p.LogoutQueuedAt).ToListAsync());
        Assert.All(marks, at => Assert.Equal(Now.AddMinutes(2), at));
    }

    private static WebhookDelivery Delivery(string clientId) => new()
    {
        ClientId = clientId,
        Target = "https://claims.example/bcl",
        EventType = WebhookDelivery.BackChannelLogoutEvent,
        Payload = """{"sub":"x","sid":"y"}""",
        CreatedAt = Now,
        NextAttemptAt = Now,
    };

    private static async Task<Session> SessionAsync(StoreHost host, Guid accountId)
    {
        var session = new Session
        {
            Id = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray()),
            AccountId = accountId,
            CreatedAt = Now,
            LastSeenAt = Now,
            IdleTimeout = TimeSpan.FromMinutes(30),
            AbsoluteExpiresAt = Now.AddHours(12),
        };
        await host.WithAsync<ISessionStore>(store => store.CreateAsync(session, CancellationToken.None));
        return session;
    }
}

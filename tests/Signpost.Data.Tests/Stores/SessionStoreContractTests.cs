using Microsoft.EntityFrameworkCore;
using Signpost.Core.Sessions;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>Server-side sessions: what one node creates, every node finds, and a revocation is seen by all.</summary>
public sealed class SessionStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task CreateAsync_ThenFindAsync_ReturnsEveryFieldAsWritten(string provider)
    {
        var host = await StartAsync(provider);
        var session = NewSession(Guid.NewGuid());

        await host.WithAsync<ISessionStore>(store => store.CreateAsync(session, CancellationToken.None));
        var found = await host.WithAsync<ISessionStore, Session?>(store => store.FindAsync(session.Id, CancellationToken.None));

        Assert.NotNull(found);
        Assert.Equal(
            (session.AccountId, session.CreatedAt, session.LastSeenAt, session.IdleTimeout, session.AbsoluteExpiresAt, session.ClientIp, session.UserAgent, session.Browser, session.TraceId),
            (found.AccountId, found.CreatedAt, found.LastSeenAt, found.IdleTimeout, found.AbsoluteExpiresAt, found.ClientIp, found.UserAgent, found.Browser, found.TraceId));
        Assert.Equal(session.AdmittedFor, found.AdmittedFor);
        Assert.True(found.IsAdmittedFor(session.AdmittedFor[1]));
        Assert.Null(found.RevokedAt);
        Assert.Null(found.EndReason(Now));
        Assert.Null(await host.WithAsync<ISessionStore, Session?>(store => store.FindAsync("no-such-session", CancellationToken.None)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RevokeAsync_LiveSession_EndsItOnceAndKeepsTheFirstReason(string provider)
    {
        var host = await StartAsync(provider);
        var session = NewSession(Guid.NewGuid());
        await host.WithAsync<ISessionStore>(store => store.CreateAsync(session, CancellationToken.None));

        await host.WithAsync<ISessionStore>(store => store.TouchAsync(session.Id, Now.AddMinutes(5), CancellationToken.None));
        await host.WithAsync<ISessionStore>(store => store.RevokeAsync(session.Id, Now.AddMinutes(6), "signed out", CancellationToken.None));
        await host.WithAsync<ISessionStore>(store => store.RevokeAsync(session.Id, Now.AddMinutes(7), "password changed", CancellationToken.None));
        await host.WithAsync<ISessionStore>(store => store.TouchAsync(session.Id, Now.AddMinutes(8), CancellationToken.None));

        var row = await host.DbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == session.Id));
        Assert.Equal((Now.AddMinutes(6), "signed out", Now.AddMinutes(5)), (row.RevokedAt, row.RevokedReason, row.LastSeenAt));
        Assert.Equal("signed out", row.EndReason(Now.AddMinutes(9)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RevokeAllAsync_KeepingOne_RevokesTheOthersOfThatAccountOnly(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();
        var kept = NewSession(accountId);
        var others = new[] { NewSession(accountId), NewSession(accountId) };
        var stranger = NewSession(Guid.NewGuid());
        foreach (var session in others.Append(kept).Append(stranger))
        {
            await host.WithAsync<ISessionStore>(store => store.CreateAsync(session, CancellationToken.None));
        }

        var revoked = await host.WithAsync<ISessionStore, int>(store => store.RevokeAllAsync(accountId, kept.Id, Now, "password changed", CancellationToken.None));

        Assert.Equal(2, revoked);
        var live = await host.WithAsync<ISessionStore, IReadOnlyList<Session>>(store => store.ListLiveAsync(accountId, Now.AddMinutes(1), CancellationToken.None));
        Assert.Equal(kept.Id, Assert.Single(live).Id);
        Assert.Single(await host.WithAsync<ISessionStore, IReadOnlyList<Session>>(store => store.ListLiveAsync(stranger.AccountId, Now.AddMinutes(1), CancellationToken.None)));
        var reasons = await host.DbAsync(db => db.Sessions.AsNoTracking().Where(s => s.AccountId == accountId && s.RevokedAt != null).Select(s => s.RevokedReason).ToListAsync());
        Assert.Equal(["password changed", "password changed"], reasons);
    }

    private static Session NewSession(Guid accountId) => new()
    {
        Id = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray()),
        AccountId = accountId,
        CreatedAt = Now,
        LastSeenAt = Now,
        IdleTimeout = TimeSpan.FromMinutes(30),
        AbsoluteExpiresAt = Now.AddHours(12),
        ClientIp = "203.0.113.7",
        UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/155.0.0.0",
        Browser = "Chrome 155 on Windows",
        TraceId = Guid.NewGuid().ToString("N"),
        AdmittedFor = [Guid.NewGuid(), Guid.NewGuid()],
    };
}

using Microsoft.EntityFrameworkCore;
using Signpost.Core.Events;
using Signpost.Core.Sessions;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>Sign-in events: appended durably, found by trace ID, counted per address, purged by age.</summary>
public sealed class SignInEventStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AppendAsync_ThenFindByTraceIdAsync_ReturnsTheEventAsWritten(string provider)
    {
        var host = await StartAsync(provider);
        var written = NewEvent(Guid.NewGuid(), "198.51.100.4", SignInMethod.Password, Now);
        written.Detail = "Wrong password (3/10 within 15 min).";

        await host.WithAsync<ISignInEventStore>(store => store.AppendAsync(written, CancellationToken.None));
        var found = await host.WithAsync<ISignInEventStore, SignInEvent?>(store => store.FindByTraceIdAsync(written.TraceId, CancellationToken.None));

        Assert.NotNull(found);
        Assert.True(found.Id > 0);
        Assert.Equal(
            (written.OccurredAt, written.Identifier, written.IdentifierKind, written.AccountId, written.Method, written.Succeeded, written.ReasonCode, written.ShownReasonCode, written.Detail, written.ClientIp),
            (found.OccurredAt, found.Identifier, found.IdentifierKind, found.AccountId, found.Method, found.Succeeded, found.ReasonCode, found.ShownReasonCode, found.Detail, found.ClientIp));
        Assert.Null(await host.WithAsync<ISignInEventStore, SignInEvent?>(store => store.FindByTraceIdAsync("no-such-trace", CancellationToken.None)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AppendWithSessionAsync_WritesBoth_OrNeither(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();
        var success = NewEvent(accountId, "198.51.100.4", SignInMethod.Api, Now);
        var session = NewSession(accountId, success.TraceId);

        // A success: the event and its session, written together.
        await host.WithAsync<ISignInEventStore>(store => store.AppendWithSessionAsync(success, session, CancellationToken.None));
        Assert.NotNull(await host.WithAsync<ISignInEventStore, SignInEvent?>(store => store.FindByTraceIdAsync(success.TraceId, CancellationToken.None)));
        var stored = await host.WithAsync<ISessionStore, Session?>(store => store.FindAsync(session.Id, CancellationToken.None));
        Assert.NotNull(stored);
        Assert.Equal((accountId, success.TraceId), (stored.AccountId, stored.TraceId));
        Assert.Equal(session.AdmittedFor, stored.AdmittedFor);

        // A session that cannot be written (its ID is taken) takes its event down with it: one transaction.
        var orphan = NewEvent(accountId, "198.51.100.4", SignInMethod.Api, Now.AddSeconds(1));
        var clash = NewSession(accountId, orphan.TraceId);
        clash.Id = session.Id;
        await Assert.ThrowsAsync<DbUpdateException>(() => host.WithAsync<ISignInEventStore>(store => store.AppendWithSessionAsync(orphan, clash, CancellationToken.None)));
        Assert.Null(await host.WithAsync<ISignInEventStore, SignInEvent?>(store => store.FindByTraceIdAsync(orphan.TraceId, CancellationToken.None)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AppendAsync_ConcurrentAppends_KeepsEveryEventAndListsNewestFirst(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = Guid.NewGuid();
        var events = Enumerable.Range(0, 30).Select(i => NewEvent(accountId, "198.51.100.4", SignInMethod.Api, Now.AddSeconds(i))).ToList();

        await ConcurrentlyAsync(events.Count, i => host.WithAsync<ISignInEventStore, bool>(async store =>
        {
            await store.AppendAsync(events[i], CancellationToken.None);
            return true;
        }));

        var listed = await host.WithAsync<ISignInEventStore, IReadOnlyList<SignInEvent>>(store => store.ListForAccountAsync(accountId, 100, CancellationToken.None));
        Assert.Equal(events.Select(e => e.TraceId).Order(), listed.Select(e => e.TraceId).Order());
        Assert.Equal(listed.Select(e => e.Id).OrderDescending(), listed.Select(e => e.Id));
        Assert.Equal(5, (await host.WithAsync<ISignInEventStore, IReadOnlyList<SignInEvent>>(store => store.ListForAccountAsync(accountId, 5, CancellationToken.None))).Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task CountFromAddressAsync_CountsOnlyThatAddressMethodsAndPeriod(string provider)
    {
        var host = await StartAsync(provider);
        var arranged = new[]
        {
            NewEvent(null, "192.0.2.1", SignInMethod.PasswordReset, Now.AddMinutes(-10)),
            NewEvent(null, "192.0.2.1", SignInMethod.Unlock, Now.AddMinutes(-5)),
            NewEvent(null, "192.0.2.1", SignInMethod.Password, Now.AddMinutes(-5)),
            NewEvent(null, "192.0.2.1", SignInMethod.PasswordReset, Now.AddHours(-2)),
            NewEvent(null, "192.0.2.99", SignInMethod.PasswordReset, Now.AddMinutes(-1)),
        };
        foreach (var e in arranged)
        {
            await host.WithAsync<ISignInEventStore>(store => store.AppendAsync(e, CancellationToken.None));
        }

        var count = await host.WithAsync<ISignInEventStore, int>(store => store.CountFromAddressAsync(
            "192.0.2.1", [SignInMethod.PasswordReset, SignInMethod.Unlock], null, Now.AddHours(-1), CancellationToken.None));

        Assert.Equal(2, count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task PurgeOlderThanAsync_DeletesOnlyOlderEvents(string provider)
    {
        var host = await StartAsync(provider);
        var old = NewEvent(null, "192.0.2.1", SignInMethod.Password, Now.AddDays(-401));
        var kept = NewEvent(null, "192.0.2.1", SignInMethod.Password, Now.AddDays(-399));
        await host.WithAsync<ISignInEventStore>(store => store.AppendAsync(old, CancellationToken.None));
        await host.WithAsync<ISignInEventStore>(store => store.AppendAsync(kept, CancellationToken.None));

        var purged = await host.WithAsync<ISignInEventStore, int>(store => store.PurgeOlderThanAsync(Now.AddDays(-400), CancellationToken.None));

        Assert.Equal(1, purged);
        Assert.Equal([kept.TraceId], await host.DbAsync(db => db.SignInEvents.AsNoTracking().Select(e => e.TraceId).ToListAsync()));
    }

    private static Session NewSession(Guid accountId, string traceId) => new()
    {
        Id = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray()),
        AccountId = accountId,
        CreatedAt = Now,
        LastSeenAt = Now,
        IdleTimeout = TimeSpan.FromMinutes(15),
        AbsoluteExpiresAt = Now.AddHours(12),
        ClientIp = "198.51.100.4",
        TraceId = traceId,
        AdmittedFor = [Guid.NewGuid()],
    };

    private static SignInEvent NewEvent(Guid? accountId, string clientIp, SignInMethod method, DateTimeOffset at) => new()
    {
        TraceId = Guid.NewGuid().ToString("N"),
        OccurredAt = at,
        Identifier = "demo.active",
        IdentifierKind = "username",
        AccountId = accountId,
        Method = method,
        Succeeded = false,
        ReasonCode = "invalid_credentials",
        ShownReasonCode = "invalid_credentials",
        ClientIp = clientIp,
        UserAgent = "contract-test",
    };
}

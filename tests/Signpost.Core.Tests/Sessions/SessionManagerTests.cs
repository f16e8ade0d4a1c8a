using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Organizations;
using Signpost.Core.Sessions;
using Signpost.Core.Tests.Fakes;

namespace Signpost.Core.Tests.Sessions;

public sealed class SessionManagerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemorySessionStore _store = new();
    private readonly SessionManager _sessions;

    public SessionManagerTests() => _sessions = new SessionManager(_store, _time);

    [Fact]
    public async Task StartAsync_SeveralPractices_UsesTheShortestTimeoutsRecordsThePracticesAndStoresOnlyTheTokenHash()
    {
        // Arrange
        Organization[] admitted =
        [
            new() { Slug = "a", Name = "A", Policy = new() { SessionIdleMinutes = 30, SessionAbsoluteHours = 8 } },
            new() { Slug = "b", Name = "B", Policy = new() { SessionIdleMinutes = 10, SessionAbsoluteHours = 12 } },
        ];
        var accountId = Guid.NewGuid();

        // Act
        var issued = await _sessions.StartAsync(accountId, admitted, "203.0.113.5", "ua", "Chrome 155 on Windows", "trace-1", CancellationToken.None);

        // Assert
        var stored = Assert.Single(_store.All);
        Assert.Same(issued.Session, stored);
        Assert.Equal(SessionManager.HashToken(issued.Token), stored.Id);
        Assert.NotEqual(issued.Token, stored.Id);
        Assert.Equal(accountId, stored.AccountId);
        Assert.Equal(TimeSpan.FromMinutes(10), stored.IdleTimeout);
        Assert.Equal(Start + TimeSpan.FromHours(8), stored.AbsoluteExpiresAt);
        Assert.Equal("trace-1", stored.TraceId);
        Assert.Equal([admitted[0].Id, admitted[1].Id], stored.AdmittedFor);
        Assert.True(stored.IsAdmittedFor(admitted[1].Id));
        Assert.False(stored.IsAdmittedFor(Guid.NewGuid()));
    }

    [Fact]
    public async Task ValidateAsync_AfterIdleTimeout_ReturnsNull()
    {
        // Arrange
        var issued = await _sessions.StartAsync(Guid.NewGuid(), [new Organization { Slug = "a", Name = "A", Policy = new() { SessionIdleMinutes = 15 } }], null, null, null, null, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(14));
        var stillAlive = await _sessions.ValidateAsync(issued.Token, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(15));

        // Act
        var afterIdle = await _sessions.ValidateAsync(issued.Token, CancellationToken.None);

        // Assert: the request at minute 14 refreshed the idle clock; fifteen idle minutes later it ends.
        Assert.NotNull(stillAlive);
        Assert.Equal(Start + TimeSpan.FromMinutes(14), issued.Session.LastSeenAt);
        Assert.Null(afterIdle);
    }

    [Fact]
    public async Task ValidateAsync_UnknownOrEndedToken_ReturnsNull()
    {
        // Arrange
        var issued = await _sessions.StartAsync(Guid.NewGuid(), [], null, null, null, null, CancellationToken.None);
        await _sessions.EndAsync(issued.Session.Id, "signed out", CancellationToken.None);

        // Act
        var ended = await _sessions.ValidateAsync(issued.Token, CancellationToken.None);
        var unknown = await _sessions.ValidateAsync("not-a-token", CancellationToken.None);

        // Assert
        Assert.Null(ended);
        Assert.Null(unknown);
        Assert.Equal("signed out", issued.Session.RevokedReason);
    }

    [Fact]
    public async Task FromCache_AnswersOnlyWhatNeedsNoStore_AFreshCopyNotDueATouchAndNotEnded()
    {
        // Arrange: a node's cache holding the session as the first authenticated request left it.
        var cache = new SessionCache(_time, TimeSpan.FromSeconds(300));
        var sessions = new SessionManager(_store, _time, cache: cache);
        var accounts = new InMemoryAccountStore();
        var account = new Core.Accounts.Account { Username = "dana", Email = "dana@example.org", DisplayName = "Dana", Status = Core.Accounts.AccountStatus.Active };
        accounts.Add(account);
        var issued = await sessions.StartAsync(account.Id, [new() { Slug = "a", Name = "A", Policy = new() { SessionIdleMinutes = 2 } }], null, null, null, null, CancellationToken.None);
        var kept = await sessions.AuthenticateAsync(issued.Token, accounts, CancellationToken.None);
        Assert.NotNull(kept);

        // Act
        var fresh = SessionManager.FromCache(cache, issued.Token, _time.GetUtcNow());
        var noCache = SessionManager.FromCache(null, issued.Token, _time.GetUtcNow());
        var unknown = SessionManager.FromCache(cache, "not-a-token", _time.GetUtcNow());
        var tooLong = SessionManager.FromCache(cache, new string('a', 129), _time.GetUtcNow());
        _time.Advance(SessionManager.TouchInterval);
        var dueATouch = SessionManager.FromCache(cache, issued.Token, _time.GetUtcNow());
        var idleEnded = SessionManager.FromCache(cache, issued.Token, Start + TimeSpan.FromMinutes(2));

        // Assert: the copy itself while nothing is due; else null, and AuthenticateAsync goes to the store.
        Assert.Same(kept, fresh);
        Assert.Null(noCache);
        Assert.Null(unknown);
        Assert.Null(tooLong);
        Assert.Null(dueATouch);
        Assert.Null(idleEnded);
        var touched = await sessions.AuthenticateAsync(issued.Token, accounts, CancellationToken.None);
        Assert.Equal(_time.GetUtcNow(), touched!.Session.LastSeenAt);
        var afterTouch = SessionManager.FromCache(cache, issued.Token, _time.GetUtcNow());
        Assert.NotNull(afterTouch);
        Assert.Equal(_time.GetUtcNow(), afterTouch.Session.LastSeenAt);
    }
}

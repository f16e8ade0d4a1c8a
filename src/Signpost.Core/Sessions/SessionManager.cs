using System.Security.Cryptography;
using System.Text;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;

namespace Signpost.Core.Sessions;

/// <summary>A session just created: the token goes into the cookie, the record into the store.</summary>
public sealed record IssuedSession(string Token, Session Session);

/// <summary>
/// Creates, validates and ends server-side sessions. Every way a session is ended goes through
/// <see cref="EndAsync"/> or <see cref="EndAllAsync"/>, which then empty the node's <see cref="SessionCache"/> and tell
/// the <see cref="ISessionEndListener"/>.
/// </summary>
public sealed class SessionManager(ISessionStore store, TimeProvider time, ISessionEndListener? listener = null, SessionCache? cache = null)
{
    /// <summary>How stale <see cref="Session.LastSeenAt"/> may get before a request refreshes it.</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts a new session with a fresh random ID (never reusing one from before sign-in, which
    /// prevents session fixation) under the strictest timeouts of the practices that admitted it, and
    /// records those practices: the session is good for them only.
    /// </summary>
    public async Task<IssuedSession> StartAsync(
        Guid accountId,
        IReadOnlyCollection<Organization> admitted,
        string? clientIp,
        string? userAgent,
        string? browser,
        string? traceId,
        CancellationToken cancellationToken)
    {
        var issued = Issue(accountId, admitted, clientIp, userAgent, browser, traceId);
        await store.CreateAsync(issued.Session, cancellationToken);
        return issued;
    }

    /// <summary>
    /// A new session as <see cref="StartAsync"/> makes it, not yet stored: the password sign-in writes it together
    /// with its event, in one transaction (<see cref="Events.ISignInEventStore.AppendWithSessionAsync"/>).
    /// </summary>
    public IssuedSession Issue(
        Guid accountId,
        IReadOnlyCollection<Organization> admitted,
        string? clientIp,
        string? userAgent,
        string? browser,
        string? traceId)
    {
        var list = admitted.Select(o => o.Policy).ToList();
        var idle = TimeSpan.FromMinutes(list.Count == 0 ? 15 : list.Min(p => p.SessionIdleMinutes));
        var absolute = TimeSpan.FromHours(list.Count == 0 ? 12 : list.Min(p => p.SessionAbsoluteHours));
        var now = time.GetUtcNow();
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var session = new Session
        {
            Id = HashToken(token),
            AccountId = accountId,
            CreatedAt = now,
            LastSeenAt = now,
            IdleTimeout = idle,
            AbsoluteExpiresAt = now + absolute,
            ClientIp = clientIp,
            UserAgent = userAgent,
            Browser = browser,
            TraceId = traceId,
            AdmittedFor = admitted.Select(o => o.Id).Distinct().ToList(),
        };
        return new IssuedSession(token, session);
    }

    /// <summary>
    /// The live session behind a cookie token and its account, for a signed-in request: from the node's
    /// <see cref="SessionCache"/> while its copy is fresh and says the session is alive (the timeouts checked
    /// against the copy now), otherwise from the stores. The idle clock is refreshed in the store at most every
    /// <see cref="TouchInterval"/>. Null when the session has ended or its account is gone; the caller decides
    /// what the account's status allows.
    /// </summary>
    public async Task<SignedInSession?> AuthenticateAsync(string? token, IAccountStore accounts, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(token))
        {
            return null;
        }

        var id = HashToken(token);
        if (cache?.Find(id) is { } copy)
        {
            var now = time.GetUtcNow();
            if (copy.Session.EndReason(now) is null)
            {
                if (now - copy.Session.LastSeenAt >= TouchInterval)
                {
                    await store.TouchAsync(id, now, cancellationToken);
                    var touched = copy.Session.Copy();
                    touched.LastSeenAt = now;
                    cache.Refresh(copy, touched);
                    return copy with { Session = touched };
                }

                return copy;
            }

            // The copy says the session has ended (most often the idle timeout); only the store may say so.
        }

        // Taken before the reads: the copy's age counts from before what it holds was read.
        var generation = cache?.Generation ?? 0;
        var readAt = time.GetUtcNow();
        var session = await FindLiveAsync(id, cancellationToken);
        if (session is null)
        {
            return null;
        }

        var account = await accounts.FindByIdAsync(session.AccountId, cancellationToken);
        if (account is null)
        {
            return null;
        }

        var found = new SignedInSession(session, account);
        cache?.Keep(found, generation, readAt);
        return found;
    }

    /// <summary>
    /// The node's copy for a cookie token when answering from it needs nothing of the store: the copy is fresh, its
    /// own clock says the session is live, and its idle clock is not due a refresh. Null otherwise, and then
    /// <see cref="AuthenticateAsync"/> decides. A request answered from here builds no store and no database context
    /// (docs/capacity.md, "A signed-in page").
    /// </summary>
    public static SignedInSession? FromCache(SessionCache? cache, string? token, DateTimeOffset now)
    {
        if (cache is null || !IsWellFormed(token) || cache.Find(HashToken(token)) is not { } copy)
        {
            return null;
        }

        return copy.Session.EndReason(now) is null && now - copy.Session.LastSeenAt < TouchInterval ? copy : null;
    }

    /// <summary>The live session behind a cookie token, refreshing its idle clock; null when it has ended.</summary>
    public async Task<Session?> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(token))
        {
            return null;
        }

        return await FindLiveAsync(HashToken(token), cancellationToken);
    }

    /// <summary>The live session stored under <paramref name="id"/> (a hashed token), its idle clock refreshed when due.</summary>
    private async Task<Session?> FindLiveAsync(string id, CancellationToken cancellationToken)
    {
        var session = await store.FindAsync(id, cancellationToken);
        if (session is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (session.EndReason(now) is not null)
        {
            return null;
        }

        if (now - session.LastSeenAt >= TouchInterval)
        {
            await store.TouchAsync(session.Id, now, cancellationToken);
            session.LastSeenAt = now;
        }

        return session;
    }

    public async Task EndAsync(string sessionId, string reason, CancellationToken cancellationToken)
    {
        var session = await store.FindAsync(sessionId, cancellationToken);
        await store.RevokeAsync(sessionId, time.GetUtcNow(), reason, cancellationToken);
        cache?.Invalidate();
        if (session is not null && listener is not null)
        {
            await listener.SessionsEndedAsync(session.AccountId, cancellationToken);
        }
    }

    public async Task<int> EndAllAsync(Guid accountId, string? keepSessionId, string reason, CancellationToken cancellationToken)
    {
        var ended = await store.RevokeAllAsync(accountId, keepSessionId, time.GetUtcNow(), reason, cancellationToken);
        cache?.Invalidate();
        if (ended > 0 && listener is not null)
        {
            await listener.SessionsEndedAsync(accountId, cancellationToken);
        }

        return ended;
    }

    public Task<IReadOnlyList<Session>> ListAsync(Guid accountId, CancellationToken cancellationToken) =>
        store.ListLiveAsync(accountId, time.GetUtcNow(), cancellationToken);

    /// <summary>A cookie token worth hashing: present, and no longer than any token Signpost issues.</summary>
    private static bool IsWellFormed([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? token) => !string.IsNullOrEmpty(token) && token.Length <= 128;

    /// <summary>Session IDs are stored as the SHA-256 of the cookie token.</summary>
    public static string HashToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    internal static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

using System.Collections.Concurrent;
using Signpost.Core.Sessions;

namespace Signpost.Core.Tests.Fakes;

public sealed class InMemorySessionStore : ISessionStore
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public IReadOnlyList<Session> All => [.. _sessions.Values];

    public Task CreateAsync(Session session, CancellationToken cancellationToken)
    {
        if (!_sessions.TryAdd(session.Id, session))
        {
            throw new InvalidOperationException($"Session {session.Id} already exists.");
        }

        return Task.CompletedTask;
    }

    public Task<Session?> FindAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.GetValueOrDefault(id));

    public Task TouchAsync(string id, DateTimeOffset seenAt, CancellationToken cancellationToken)
    {
        _sessions[id].LastSeenAt = seenAt;
        return Task.CompletedTask;
    }

    public Task RevokeAsync(string id, DateTimeOffset at, string reason, CancellationToken cancellationToken)
    {
        if (_sessions.TryGetValue(id, out var session) && session.RevokedAt is null)
        {
            session.RevokedAt = at;
            session.RevokedReason = reason;
        }

        return Task.CompletedTask;
    }

    public Task<int> RevokeAllAsync(Guid accountId, string? keepId, DateTimeOffset at, string reason, CancellationToken cancellationToken)
    {
        var revoked = 0;
        foreach (var session in _sessions.Values.Where(s => s.AccountId == accountId && s.Id != keepId && s.RevokedAt is null))
        {
            session.RevokedAt = at;
            session.RevokedReason = reason;
            revoked++;
        }

        return Task.FromResult(revoked);
    }

    public Task<IReadOnlyList<Session>> ListLiveAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Session>>([.. _sessions.Values.Where(s => s.AccountId == accountId && s.EndReason(now) is null)]);
}

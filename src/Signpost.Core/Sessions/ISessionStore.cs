namespace Signpost.Core.Sessions;

public interface ISessionStore
{
    Task CreateAsync(Session session, CancellationToken cancellationToken);

    Task<Session?> FindAsync(string id, CancellationToken cancellationToken);

    Task TouchAsync(string id, DateTimeOffset seenAt, CancellationToken cancellationToken);

    Task RevokeAsync(string id, DateTimeOffset at, string reason, CancellationToken cancellationToken);

    /// <summary>Revokes every live session of the account except <paramref name="keepId"/>; returns how many.</summary>
    Task<int> RevokeAllAsync(Guid accountId, string? keepId, DateTimeOffset at, string reason, CancellationToken cancellationToken);

    Task<IReadOnlyList<Session>> ListLiveAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken);
}

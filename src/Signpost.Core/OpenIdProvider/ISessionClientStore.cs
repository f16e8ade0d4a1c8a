using Signpost.Core.Incidents.Webhooks;

namespace Signpost.Core.OpenIdProvider;

/// <summary>Which portals received tokens for which session (<see cref="SessionClient"/>), and the logouts owed when sessions end.</summary>
public interface ISessionClientStore
{
    /// <summary>Notes that <paramref name="clientId"/> received tokens for <paramref name="sessionId"/>; a second call for the pair changes nothing.</summary>
    Task RecordAsync(string sessionId, string clientId, Guid accountId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The pairs of <paramref name="accountId"/> whose session has been revoked and whose logout is not queued yet.</summary>
    Task<IReadOnlyList<SessionClient>> ListEndedUnqueuedAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction (the caller's, when the session was ended inside one): marks each of <paramref name="pairs"/>
    /// queued at <paramref name="at"/> and stores its delivery (none for a client without a back-channel logout URI). A pair another node marked first is skipped with its delivery, so a session's end
    /// queues one logout per client even when two nodes see it. Returns the deliveries stored.
    /// </summary>
    Task<int> QueueAsync(IReadOnlyList<(SessionClient Pair, WebhookDelivery? Delivery)> pairs, DateTimeOffset at, CancellationToken cancellationToken);
}

using OpenIddict.Abstractions;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Core.OpenIdProvider;
using Signpost.Core.Sessions;

namespace Signpost.Web.OpenIdProvider;

/// <summary>
/// Queues OpenID Connect back-channel logouts when Signpost sessions end: one delivery per portal that received
/// tokens for the session (<see cref="SessionClient"/>) and has a back-channel logout URI. The delivery job sends
/// them with the webhook's retries and logs every attempt (<c>GET /api/v1/webhook-deliveries</c>); nothing remote
/// happens here, so a portal that is down never slows a sign-out (docs/oidc-provider.md "Back-channel logout").
/// </summary>
public sealed partial class BackChannelLogout(
    ISessionClientStore pairs,
    IOpenIddictApplicationManager applications,
    TimeProvider time,
    ILogger<BackChannelLogout> logger) : ISessionEndListener
{
    public async Task SessionsEndedAsync(Guid accountId, CancellationToken cancellationToken)
    {
        try
        {
            // Not the request's token: the sessions have ended, and the logouts they owe are queued even if the person has gone.
            var ended = await pairs.ListEndedUnqueuedAsync(accountId, CancellationToken.None);
            if (ended.Count == 0)
            {
                return;
            }

            var now = time.GetUtcNow();
            var queue = new List<(SessionClient, WebhookDelivery?)>();
            foreach (var pair in ended)
            {
                var client = await applications.FindByClientIdAsync(pair.ClientId, CancellationToken.None);
                var uri = client is null ? null : ClientSettings.BackChannelLogoutUri(await applications.GetPropertiesAsync(client, CancellationToken.None));
                queue.Add((pair, uri is null ? null : new WebhookDelivery
                {
                    ClientId = pair.ClientId,
                    Target = uri,
                    EventType = WebhookDelivery.BackChannelLogoutEvent,
                    Payload = LogoutTokens.Payload(pair.AccountId, pair.SessionId),
                    CreatedAt = now,
                    NextAttemptAt = now,
                    Status = WebhookDeliveryStatus.Pending,
                }));
            }

            var queued = await pairs.QueueAsync(queue, now, CancellationToken.None);
            if (queued > 0)
            {
                LogQueued(logger, queued, accountId);
            }
        }
        catch (Exception ex)
        {
            // The sign-out stands whatever happens here; the pairs stay unqueued and the next session end of the account retries.
            LogQueueFailed(logger, accountId, ex);
        }
    }

    [LoggerMessage(EventId = 7511, EventName = "BackChannelLogout.Queued", Level = LogLevel.Information, Message = "Queued {Count} back-channel logout(s) for account {AccountId}")]
    private static partial void LogQueued(ILogger logger, int count, Guid accountId);

    [LoggerMessage(EventId = 7512, EventName = "BackChannelLogout.QueueFailed", Level = LogLevel.Error, Message = "Back-channel logouts for account {AccountId} could not be queued")]
    private static partial void LogQueueFailed(ILogger logger, Guid accountId, Exception exception);
}

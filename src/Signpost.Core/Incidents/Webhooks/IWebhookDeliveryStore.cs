namespace Signpost.Core.Incidents.Webhooks;

/// <summary>The delivery queue and log: ticketing webhooks and back-channel logouts (<see cref="WebhookDelivery"/>).</summary>
public interface IWebhookDeliveryStore
{
    Task EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken);

    /// <summary>
    /// Pending deliveries due at <paramref name="now"/>, oldest first; ticketing webhook deliveries only when
    /// <paramref name="includeWebhooks"/> (no URL configured: they wait, and do not crowd out the logouts).
    /// </summary>
    Task<IReadOnlyList<WebhookDelivery>> ListDueAsync(DateTimeOffset now, int take, bool includeWebhooks, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a due delivery's next attempt to <paramref name="claimUntil"/> if it still is <paramref name="seenNextAttemptAt"/>:
    /// one sender per attempt even if two nodes race.
    /// </summary>
    Task<bool> TryClaimAsync(Guid deliveryId, DateTimeOffset seenNextAttemptAt, DateTimeOffset claimUntil, CancellationToken cancellationToken);

    /// <summary>Logs the attempt and stores the delivery's new state (status, attempts, next attempt).</summary>
    Task RecordAttemptAsync(WebhookDelivery delivery, WebhookAttempt attempt, CancellationToken cancellationToken);

    /// <summary>The log, newest first, optionally of one status, one incident or one OpenID Connect client.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListAsync(WebhookDeliveryStatus? status, Guid? incidentId, string? clientId, int take, CancellationToken cancellationToken);

    Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(IReadOnlyCollection<Guid> deliveryIds, CancellationToken cancellationToken);
}

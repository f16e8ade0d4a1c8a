namespace Signpost.Core.Incidents.Webhooks;

public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>
/// One message Signpost owes a receiver, queued in the database and sent by the delivery job, never by the
/// request that caused it, with retries and every attempt in the delivery log. Two kinds share the queue:
/// the ticketing webhook (an incident changed; <see cref="ClientId"/> null) and the OpenID Connect back-channel
/// logout to one portal (<see cref="BackChannelLogoutEvent"/>; docs/oidc-provider.md "Back-channel logout").
/// <see cref="Id"/> is the delivery ID the receiver deduplicates on (the webhook's header, the logout token's
/// <c>jti</c>); the payload is fixed at queueing so every retry sends the same content.
/// </summary>
public sealed class WebhookDelivery
{
    /// <summary>The <see cref="EventType"/> of a back-channel logout.</summary>
    public const string BackChannelLogoutEvent = "backchannel.logout";

    public const int MaxTargetLength = 2000;

    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>The incident of a webhook delivery; null for a back-channel logout.</summary>
    public Guid? IncidentId { get; set; }

    /// <summary>The OpenID Connect client a back-channel logout goes to; null for the ticketing webhook.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client's back-channel logout URI, as registered when the logout was queued; null for the ticketing webhook (its URL is configured).</summary>
    public string? Target { get; set; }

    public required string EventType { get; set; }

    /// <summary>The webhook body; for a back-channel logout, the logout token's claims as JSON (<c>sub</c>, <c>sid</c>), signed afresh at each attempt.</summary>
    public required string Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }

    /// <summary>When the next attempt is due; also the claim (moved forward while an attempt runs).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One attempt of a delivery, as operators read it in the delivery log.</summary>
public sealed class WebhookAttempt
{
    public const int MaxErrorLength = 500;

    public long Id { get; set; }
    public Guid DeliveryId { get; set; }
    public int Number { get; set; }
    public DateTimeOffset At { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public int DurationMs { get; set; }
}

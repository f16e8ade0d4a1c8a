namespace Signpost.Core.Incidents.Webhooks;

public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>
/// One message for the ticketing webhook, queued in the database when the incident changes and sent by
/// the delivery job, never by the request that caused it. <see cref="Id"/> is the delivery ID header the
/// receiver deduplicates on; the payload is fixed at queueing so every retry sends the same bytes.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid IncidentId { get; set; }
    public required string EventType { get; set; }
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

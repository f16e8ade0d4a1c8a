namespace Signpost.Core.Notifications;

/// <summary>
/// One notification Signpost sends at most once (a maintenance notice to one practice, an escalation for
/// one lock), named by a key. A sender claims the key for a short lease before sending, so two nodes
/// never both send it; the claim becomes permanent once the message was handed over, and is released
/// when sending failed so the next run tries again.
/// </summary>
public sealed class NotificationDelivery
{
    public const int MaxKeyLength = 200;

    public required string Key { get; set; }

    /// <summary>Until this instant the key belongs to the sender that claimed it.</summary>
    public DateTimeOffset ClaimedUntil { get; set; }

    /// <summary>Set once the message was handed over; the key is then never sent again.</summary>
    public DateTimeOffset? SentAt { get; set; }
}

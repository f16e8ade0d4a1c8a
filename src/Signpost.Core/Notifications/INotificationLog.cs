namespace Signpost.Core.Notifications;

/// <summary>Remembers which once-only notifications were sent (see <see cref="NotificationDelivery"/>).</summary>
public interface INotificationLog
{
    /// <summary>
    /// Claims <paramref name="key"/> until <paramref name="claimUntil"/>, unless it was sent already or
    /// another sender's claim still holds at <paramref name="now"/>. Atomic across nodes.
    /// </summary>
    Task<NotificationClaim> TryClaimAsync(string key, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken);

    /// <summary>Records that the claimed notification was handed over.</summary>
    Task MarkSentAsync(string key, DateTimeOffset sentAt, CancellationToken cancellationToken);

    /// <summary>Gives up an unsent claim, so the next run may send.</summary>
    Task ReleaseAsync(string key, CancellationToken cancellationToken);

    Task<bool> WasSentAsync(string key, CancellationToken cancellationToken);
}

public enum NotificationClaim
{
    /// <summary>The caller holds the key and may send.</summary>
    Claimed,

    /// <summary>The notification was sent before.</summary>
    AlreadySent,

    /// <summary>Another sender holds an unexpired claim.</summary>
    HeldElsewhere,
}

namespace Signpost.Core.Notifications;

public enum NotificationStatus
{
    /// <summary>Handed over to the mail server (or the pickup folder) and recorded.</summary>
    Sent,

    /// <summary>Sent in an earlier run (or by another node): nothing to do.</summary>
    AlreadySent,

    /// <summary>Another node is sending it right now.</summary>
    ClaimedElsewhere,

    /// <summary>The reason for it went away before sending (a window was cancelled, a lock lifted).</summary>
    NoLongerWanted,

    /// <summary>Sending failed; nothing was recorded and the next run tries again.</summary>
    Failed,
}

/// <summary>What happened to one once-only notification in one run; the host logs it.</summary>
/// <param name="Key">The notification's key (no address, no link).</param>
/// <param name="Status">What happened.</param>
/// <param name="Recipients">How many addresses it went to.</param>
/// <param name="Error">For <see cref="NotificationStatus.Failed"/>: why.</param>
/// <param name="ServerUnavailable">For <see cref="NotificationStatus.Failed"/>: the mail server could not be reached, so other messages would fail too.</param>
public sealed record NotificationOutcome(string Key, NotificationStatus Status, int Recipients = 0, string? Error = null, bool ServerUnavailable = false);

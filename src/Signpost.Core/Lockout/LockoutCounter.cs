namespace Signpost.Core.Lockout;

/// <summary>
/// Failed-attempt counter for one account and one device key: <see cref="UntrustedKey"/> for every
/// browser without the account's trusted-device cookie together, or a trusted device's own ID
/// (OWASP "Slow Down Online Guessing Attacks with Device Cookies").
/// </summary>
public sealed class LockoutCounter
{
    public const string UntrustedKey = "*";

    public Guid AccountId { get; set; }
    public required string DeviceKey { get; set; }
    public int FailureCount { get; set; }
    public DateTimeOffset WindowStartedAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? LastFailureAt { get; set; }

    /// <summary>
    /// Password checks admitted to hashing and not yet settled (<see cref="ILockoutStore.ReserveCheckAsync"/>):
    /// they count toward the threshold before their hash, so no more than the threshold are ever checked
    /// against an open lock (docs/security.md, "Exact counting").
    /// </summary>
    public int InFlight { get; set; }

    /// <summary>
    /// When the newest check in <see cref="InFlight"/> was admitted. Older than <see cref="ReservationLifetime"/>,
    /// the in-flight checks are taken for ones that never settled (a crashed node) and no longer count.
    /// </summary>
    public DateTimeOffset? InFlightSince { get; set; }

    /// <summary>
    /// How long a counter must have held nothing before <see cref="ILockoutStore.PurgeQuietAsync"/> deletes it: the
    /// longest lockout window and duration a policy allows (24 hours, <see cref="Organizations.OrganizationPolicy"/>),
    /// so a failure a window could still count is never purged.
    /// </summary>
    public static readonly TimeSpan QuietBeforePurge = TimeSpan.FromDays(1);

    /// <summary>How long an admitted, unsettled check holds its place: far longer than any hash, short enough that a crash costs little.</summary>
    public static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(1);
}

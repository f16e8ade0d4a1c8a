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
}

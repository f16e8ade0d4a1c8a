namespace Signpost.Core.Recovery;

/// <summary>Limits of self-service recovery (<c>Signpost:Recovery</c>).</summary>
public sealed class RecoveryOptions
{
    public const string Section = "Signpost:Recovery";

    /// <summary>Reset and unlock links work this long (30 minutes by default).</summary>
    public int LinkLifetimeMinutes { get; set; } = 30;

    /// <summary>Activation links (invitations) work this long: people may be away for days.</summary>
    public int ActivationLifetimeDays { get; set; } = 7;

    /// <summary>At most this many links of one kind are emailed to one account per <see cref="WindowMinutes"/>.</summary>
    public int PerAccountLimit { get; set; } = 3;

    /// <summary>At most this many recovery requests are taken from one client address per <see cref="WindowMinutes"/>.</summary>
    public int PerAddressLimit { get; set; } = 10;

    public int WindowMinutes { get; set; } = 15;

    /// <summary>
    /// An unlock request for an account whose lock ended at most this long ago gets the "no longer locked —
    /// sign in again" email rather than "not locked" (docs/recovery.md, "Lock messages"). 30 minutes by default.
    /// </summary>
    public int LockEndedRecentlyMinutes { get; set; } = 30;

    /// <summary>
    /// Every forgot-password and unlock request takes at least this long, so whether an email was sent
    /// cannot be read from the response time.
    /// </summary>
    public int MinimumResponseMilliseconds { get; set; } = 800;

    public TimeSpan LinkLifetime => TimeSpan.FromMinutes(LinkLifetimeMinutes);

    public TimeSpan ActivationLifetime => TimeSpan.FromDays(ActivationLifetimeDays);

    public TimeSpan Window => TimeSpan.FromMinutes(WindowMinutes);

    public TimeSpan LockEndedRecently => TimeSpan.FromMinutes(LockEndedRecentlyMinutes);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (LinkLifetimeMinutes is < 5 or > 24 * 60)
        {
            problems.Add("Signpost:Recovery:LinkLifetimeMinutes must be between 5 minutes and 24 hours.");
        }

        if (ActivationLifetimeDays is < 1 or > 30)
        {
            problems.Add("Signpost:Recovery:ActivationLifetimeDays must be between 1 and 30.");
        }

        if (PerAccountLimit < 1 || PerAddressLimit < 1 || WindowMinutes < 1)
        {
            problems.Add("Signpost:Recovery limits and window must be at least 1.");
        }

        if (LockEndedRecentlyMinutes is < 1 or > 24 * 60)
        {
            problems.Add("Signpost:Recovery:LockEndedRecentlyMinutes must be between 1 minute and 24 hours.");
        }

        if (MinimumResponseMilliseconds is < 0 or > 10_000)
        {
            problems.Add("Signpost:Recovery:MinimumResponseMilliseconds must be between 0 and 10000.");
        }

        return problems;
    }
}

/// <summary>What a person asked for on the recovery pages.</summary>
public enum RecoveryKind
{
    PasswordReset,
    Unlock,
}

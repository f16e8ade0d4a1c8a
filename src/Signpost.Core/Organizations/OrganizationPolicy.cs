namespace Signpost.Core.Organizations;

/// <summary>How an organization treats unsupported browsers (docs/design.md §5 step 5).</summary>
public enum BrowserPolicy
{
    Warn,
    Block,
}

/// <summary>Whom a practice asks for a second factor (docs/mfa.md, "Policy").</summary>
public enum SecondFactorPolicy
{
    /// <summary>Never asked at this practice's sign-ins.</summary>
    Off,

    /// <summary>People may enrol; an enrolled person is asked on an unusual sign-in (a new browser from a new network).</summary>
    Optional,

    /// <summary>Practice administrators must have one and are asked at every sign-in; others as <see cref="Optional"/>.</summary>
    RequiredForAdmins,

    /// <summary>Everyone must have one and is asked at every sign-in.</summary>
    RequiredForEveryone,
}

/// <summary>
/// Per-organization policies (docs/design.md §7). Defaults follow NIST SP 800-63B and OWASP ASVS 5.0 level 2:
/// lockout 10 failures in 15 minutes for 15 minutes, no password expiry, 15 minutes idle logoff
/// (HIPAA 164.312(a)(2)(iii)).
/// </summary>
public sealed class OrganizationPolicy
{
    /// <summary>NIST SP 800-63B §5.2.2: no more than 100 consecutive failed attempts.</summary>
    public const int MaxLockoutThreshold = 100;

    /// <summary>Each remembered password costs one full hash check when a new one is chosen.</summary>
    public const int MaxPasswordHistory = 24;

    public int LockoutThreshold { get; set; } = 10;
    public int LockoutWindowMinutes { get; set; } = 15;
    public int LockoutDurationMinutes { get; set; } = 15;

    /// <summary>Null: passwords never expire (the default; ASVS 6.2.10).</summary>
    public int? PasswordExpiryDays { get; set; }

    /// <summary>How many earlier passwords a new one may not repeat; 0 (the default) turns the history off.</summary>
    public int PasswordHistoryCount { get; set; }

    public int SessionIdleMinutes { get; set; } = 15;
    public int SessionAbsoluteHours { get; set; } = 12;
    public BrowserPolicy BrowserPolicy { get; set; } = BrowserPolicy.Warn;

    /// <summary>When true, sign-in is allowed only from ranges marked allowed in the organization's network list.</summary>
    public bool RestrictToAllowedNetworks { get; set; }

    /// <summary>Whom the practice asks for a second factor (docs/mfa.md).</summary>
    public SecondFactorPolicy SecondFactor { get; set; } = SecondFactorPolicy.Optional;

    /// <summary>Days a person who must have a second factor and has none may still sign in, led to enrol, counted from the first such sign-in.</summary>
    public int SecondFactorGraceDays { get; set; } = 14;

    /// <summary>Days a browser may be remembered after a second factor ("remember this browser"); 0 turns remembering off.</summary>
    public int RememberBrowserDays { get; set; } = 30;

    public const int MaxSecondFactorGraceDays = 90;
    public const int MaxRememberBrowserDays = 90;

    /// <summary>
    /// Returns the problems with these values, each naming its field (the property name, which the settings
    /// page uses to mark the input and the command line and API report) with one plain sentence; empty when valid.
    /// </summary>
    public IReadOnlyList<PolicyProblem> Validate()
    {
        var problems = new List<PolicyProblem>();
        if (LockoutThreshold is < 1 or > MaxLockoutThreshold)
        {
            problems.Add(new PolicyProblem(nameof(LockoutThreshold), $"Lockout threshold must be between 1 and {MaxLockoutThreshold} failures (NIST SP 800-63B)."));
        }

        if (LockoutWindowMinutes is < 1 or > 24 * 60)
        {
            problems.Add(new PolicyProblem(nameof(LockoutWindowMinutes), "Lockout window must be between 1 minute and 24 hours."));
        }

        if (LockoutDurationMinutes is < 1 or > 24 * 60)
        {
            problems.Add(new PolicyProblem(nameof(LockoutDurationMinutes), "Lockout duration must be between 1 minute and 24 hours."));
        }

        if (PasswordExpiryDays is < 1 or > 3650)
        {
            problems.Add(new PolicyProblem(nameof(PasswordExpiryDays), "Password expiry must be off or between 1 and 3650 days."));
        }

        if (PasswordHistoryCount is < 0 or > MaxPasswordHistory)
        {
            problems.Add(new PolicyProblem(nameof(PasswordHistoryCount), $"Password history must be between 0 (off) and {MaxPasswordHistory} earlier passwords."));
        }

        if (SessionIdleMinutes is < 1 or > 24 * 60)
        {
            problems.Add(new PolicyProblem(nameof(SessionIdleMinutes), "Session idle timeout must be between 1 minute and 24 hours."));
        }

        if (SessionAbsoluteHours is < 1 or > 24 * 30)
        {
            problems.Add(new PolicyProblem(nameof(SessionAbsoluteHours), "Session absolute timeout must be between 1 hour and 30 days."));
        }

        if (!Enum.IsDefined(SecondFactor))
        {
            problems.Add(new PolicyProblem(nameof(SecondFactor), "Second-factor policy must be off, optional, admins or everyone."));
        }

        if (SecondFactorGraceDays is < 0 or > MaxSecondFactorGraceDays)
        {
            problems.Add(new PolicyProblem(nameof(SecondFactorGraceDays), $"Second-factor grace must be between 0 and {MaxSecondFactorGraceDays} days."));
        }

        if (RememberBrowserDays is < 0 or > MaxRememberBrowserDays)
        {
            problems.Add(new PolicyProblem(nameof(RememberBrowserDays), $"Remembering a browser must be between 0 (off) and {MaxRememberBrowserDays} days."));
        }

        if (!Enum.IsDefined(BrowserPolicy))
        {
            problems.Add(new PolicyProblem(nameof(BrowserPolicy), "Browser policy must be warn or block."));
        }

        return problems;
    }
}

/// <summary>One invalid policy value: the field (an <see cref="OrganizationPolicy"/> property name) and why, in one sentence.</summary>
public sealed record PolicyProblem(string Field, string Message)
{
    public override string ToString() => Message;
}

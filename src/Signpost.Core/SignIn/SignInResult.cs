using Signpost.Core.Accounts;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Sessions;

namespace Signpost.Core.SignIn;

/// <summary>
/// The outcome of an attempt, as a value (STYLE habit 3). <see cref="Reason"/> is the exact reason;
/// <see cref="Shown"/> is what this client may see. The web edge turns it into a page or a problem.
/// </summary>
public sealed record SignInResult
{
    public required Reason Reason { get; init; }
    public required Reason Shown { get; init; }
    public required string TraceId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public Account? Account { get; init; }
    public IReadOnlyList<Organization> Organizations { get; init; } = [];
    public IssuedSession? Session { get; init; }
    /// <summary>A new trusted-device cookie to set (name, value), after a success from a browser without one.</summary>
    public (string Name, string Value)? NewDeviceCookie { get; init; }
    /// <summary>End of the lock; only filled when the client may see the lock.</summary>
    public DateTimeOffset? LockedUntil { get; init; }
    /// <summary>Set when the password was proven but must be changed before entering (expired, reset required).</summary>
    public Guid? PasswordChangeAccountId { get; init; }
    /// <summary>The maintenance window in force during the attempt, if any (its end is public information).</summary>
    public MaintenanceWindow? Maintenance { get; init; }
    /// <summary>Field-level problems for <see cref="ReasonCodes.InvalidRequest"/> and rejected new passwords.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>For <c>mfa_required</c>: the sign-in waiting for its second factor (the web edge hands it out only as a protected token).</summary>
    public Mfa.SecondFactorChallenge? Challenge { get; init; }

    /// <summary>Signed in without a second factor the policy requires, within grace: lead to enrolment (the grace's end; <see cref="DateTimeOffset.MaxValue"/> after an assisted reset).</summary>
    public DateTimeOffset? EnrolSecondFactorBy { get; init; }

    /// <summary>For a shown <c>mfa_clock_skew</c>: how far the authenticator's clock is off, in seconds (negative: behind).</summary>
    public int? ClockSkewSeconds { get; init; }

    /// <summary>A "remember this browser" cookie to set (name, value), after a second factor the person asked to remember.</summary>
    public (string Name, string Value)? RememberBrowserCookie { get; init; }

    /// <summary>For a <c>rate_limited</c> refusal (the hash admission gate's): how long to wait before trying again.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public bool Succeeded => Reason.IsSuccess;
}

using Signpost.Core.Events;

namespace Signpost.Core.Mfa;

/// <summary>
/// A sign-in whose password was proven and admitted, waiting for its second factor. The web edge carries it to
/// the browser or app only as a short-lived data-protected token, bound to the account and to the attempt that
/// proved the password (its trace ID); the challenge page and <c>POST /api/v1/sign-in/second-factor</c> complete it.
/// </summary>
/// <param name="AccountId">Whose password was proven.</param>
/// <param name="TraceId">The attempt that proved it; the completion's event names it.</param>
/// <param name="OrganizationSlug">The practice named on <c>/o/{slug}</c>, so the completion is admitted for the same practices.</param>
/// <param name="Method">The way in (page or API), kept for the completion's event.</param>
/// <param name="IssuedAt">When the password was proven.</param>
/// <param name="RememberDays">Days "remember this browser" may last for this person (0: not offered).</param>
public sealed record SecondFactorChallenge(Guid AccountId, string TraceId, string? OrganizationSlug, SignInMethod Method, DateTimeOffset IssuedAt, int RememberDays)
{
    /// <summary>Long enough to open an authenticator app, short enough that a stolen token is soon worthless.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
}

/// <summary>What the sign-in does about the second factor (<see cref="SecondFactorCheck.DecideAsync"/>).</summary>
public enum SecondFactorStep
{
    /// <summary>Nothing is asked.</summary>
    None,

    /// <summary>The person has a factor and is asked for it.</summary>
    Challenge,

    /// <summary>The person must have a factor, has none, and is within grace: signed in and led to enrol.</summary>
    Enrol,

    /// <summary>The person must have a factor, has none, and grace is over: <c>mfa_not_enrolled</c>.</summary>
    Refuse,
}

/// <summary>The decision and why, for the event; <see cref="GraceEndsAt"/> for <see cref="SecondFactorStep.Enrol"/> (null: until they enrol, after an assisted reset).</summary>
public sealed record SecondFactorDecision(SecondFactorStep Step, string Detail, SecondFactorRules Rules, DateTimeOffset? GraceEndsAt = null);

/// <summary>The answer to a challenge: accepted, or refused with a reason code from the catalogue and its evidence.</summary>
public sealed record SecondFactorVerdict(string? ReasonCode, string Detail)
{
    public bool Accepted => ReasonCode is null;

    /// <summary>The end of the second factor's lock, when this answer met or engaged it.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>For <c>mfa_clock_skew</c>: how far the authenticator's clock is off, in seconds (negative: behind).</summary>
    public int? SkewSeconds { get; init; }

    /// <summary>Field problems for input that cannot be a code.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public static SecondFactorVerdict Accept(string detail) => new(null, detail);
}

using Signpost.Core.Reasons;

namespace Signpost.Core.SignIn;

/// <summary>
/// Why a phase of a password sign-in (or of its change page) ended the attempt: a reason code from the catalogue,
/// the evidence for the event, and what the refused person may be told besides. A phase returns one, or null to
/// let the attempt go on (<see cref="PasswordSignIn"/>).
/// </summary>
internal sealed record SignInRefusal(string ReasonCode, string Detail)
{
    /// <summary>Field-level problems, for <c>invalid_request</c> and a rejected new password.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>The end of the lock the attempt met or engaged; the result carries it only where the lock may be seen.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>The password is proven but must be changed before entering (expired, reset required).</summary>
    public bool PasswordChangeDue { get; init; }

    /// <summary>For <c>mfa_required</c>: the sign-in waiting for its second factor.</summary>
    public Mfa.SecondFactorChallenge? Challenge { get; init; }

    /// <summary>For a <c>rate_limited</c> refusal: how long the client is told to wait (<c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>For <c>mfa_clock_skew</c>: how far the authenticator's clock is off, in seconds.</summary>
    public int? SkewSeconds { get; init; }

    /// <summary>A refusal of the <see cref="SignInGate"/>, which every way in shares.</summary>
    public static SignInRefusal? From(GateRefusal? refusal) => refusal is null ? null : new(refusal.ReasonCode, refusal.Detail);

    /// <summary>Input that cannot be an attempt; the problems are joined for the event and listed for the form.</summary>
    public static SignInRefusal InvalidRequest(IReadOnlyList<string> problems) =>
        new(ReasonCodes.InvalidRequest, string.Join(" ", problems)) { Problems = problems };
}

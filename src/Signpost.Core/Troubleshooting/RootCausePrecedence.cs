using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting;

/// <summary>
/// Which of several candidate reasons is the root cause: the first in <see cref="Order"/>. The order is
/// "what has to be fixed first before any sign-in can succeed":
/// <list type="number">
/// <item>Maintenance and a degraded service: while the service is down every attempt fails whatever the
/// person does, and every other symptom in that time is a consequence.</item>
/// <item>Account state (held for review, disabled, pending, no membership, locked): the account cannot
/// sign in with any password, browser or network. A lock usually follows a wrong-password streak, but the
/// lock is what blocks now and its action (wait, unlock) is what helps.</item>
/// <item>SSO, then MFA: an organization that signs in through its own identity provider never reaches the
/// password, and the second factor is asked only after the first; organization-wide SSO faults come before
/// one user's.</item>
/// <item>Network, then browser and device: the sign-in pipeline refuses these before it looks at the
/// password's age, and no new password helps from a blocked network or browser.</item>
/// <item>Password state (reset required, expired): the password was right; it must be replaced.</item>
/// <item>Credentials last: "not recognised" is the face most other causes wear to the person at the
/// keyboard (docs/design.md §3), so it is the root cause only when nothing above explains the failure.</item>
/// </list>
/// Success codes come at the very end: they are the answer only when nothing failed.
/// </summary>
public static class RootCausePrecedence
{
    /// <summary>Every catalogue code once, most decisive first.</summary>
    public static IReadOnlyList<string> Order { get; } =
    [
        ReasonCodes.MaintenanceWindow,
        ReasonCodes.ServiceDegraded,

        ReasonCodes.AccountFlagged,
        ReasonCodes.AccountDisabled,
        ReasonCodes.AccountPendingActivation,
        ReasonCodes.NoActiveMembership,
        ReasonCodes.AccountLocked,

        ReasonCodes.SsoProviderMisconfigured,
        ReasonCodes.SsoSignatureInvalid,
        ReasonCodes.SsoProviderUnreachable,
        ReasonCodes.SsoTokenInvalid,
        ReasonCodes.SsoUserNotLinked,
        ReasonCodes.SsoRequired,
        ReasonCodes.SsoCancelled,

        ReasonCodes.MfaLocked,
        ReasonCodes.MfaNotEnrolled,
        ReasonCodes.MfaClockSkew,
        ReasonCodes.MfaCodeInvalid,
        ReasonCodes.MfaRequired,

        ReasonCodes.NetworkNotAllowed,
        ReasonCodes.RateLimited,
        ReasonCodes.BrowserUnsupported,
        ReasonCodes.CookiesDisabled,
        ReasonCodes.StaleForm,

        ReasonCodes.PasswordResetRequired,
        ReasonCodes.PasswordExpired,

        ReasonCodes.ResetLinkUsed,
        ReasonCodes.ResetLinkExpired,
        ReasonCodes.ResetLinkInvalid,
        ReasonCodes.ResetLinkOtherAccount,
        ReasonCodes.PasswordNotAccepted,
        ReasonCodes.InvalidCredentials,
        ReasonCodes.InvalidRequest,

        ReasonCodes.SignedInBrowserWarning,
        ReasonCodes.AccountUnlocked,
        ReasonCodes.PasswordReset,
        ReasonCodes.UnlockRequested,
        ReasonCodes.ResetRequested,
        ReasonCodes.AccountActivated,
        ReasonCodes.SignedIn,
    ];

    private static readonly Dictionary<string, int> Rank =
        Order.Select((code, index) => (code, index)).ToDictionary(p => p.code, p => p.index, StringComparer.Ordinal);

    /// <summary>The most decisive of <paramref name="candidates"/>, or null when there are none. Unknown codes rank last.</summary>
    public static string? Pick(IEnumerable<string> candidates) =>
        candidates.Distinct(StringComparer.Ordinal).OrderBy(c => Rank.GetValueOrDefault(c, int.MaxValue)).ThenBy(c => c, StringComparer.Ordinal).FirstOrDefault();
}

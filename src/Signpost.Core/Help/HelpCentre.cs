using Signpost.Core.Reasons;

namespace Signpost.Core.Help;

/// <summary>A place a help answer sends the reader: a page of Signpost and what it is for.</summary>
/// <param name="Path">Site-relative path, always starting with '/'.</param>
/// <param name="Label">What the link says.</param>
public sealed record HelpAction(string Path, string Label);

/// <summary>
/// One question of the help centre, answered in our own words. <see cref="ReasonCodes"/> are the failures it
/// explains (each code's help page lists the questions that concern it); <see cref="Actions"/> are the
/// pages that fix it.
/// </summary>
/// <param name="Slug">Stable anchor, used in links (<c>/help#slug</c>).</param>
/// <param name="Question">The question as a person at a front desk would ask it.</param>
/// <param name="Answer">Paragraphs of plain text.</param>
/// <param name="ReasonCodes">Codes of the catalogue this answer concerns.</param>
/// <param name="Actions">Pages that act on it.</param>
public sealed record HelpArticle(string Slug, string Question, IReadOnlyList<string> Answer, IReadOnlyList<string> ReasonCodes, IReadOnlyList<HelpAction> Actions);

/// <summary>
/// The questions people ask when a provider portal will not let them in (the seed article's FAQ), answered
/// for Signpost: what it already detects for them, what they can do alone, and when a person has to act.
/// </summary>
/// <remarks>
/// Data, like the reason catalogue, so the help page, each code's page and the tests read one list. Where the
/// seed tells users to do chores the server can do (check for maintenance, collect the facts support needs),
/// the answer says what Signpost does instead.
/// </remarks>
public static class HelpCentre
{
    public static readonly HelpAction CantSignIn = new("/cant-sign-in", "Can't sign in? Check what happened and ask for help");
    public static readonly HelpAction ForgotPassword = new("/forgot-password", "Reset your password");
    public static readonly HelpAction Unlock = new("/unlock", "Unlock your account");
    public static readonly HelpAction Status = new("/status", "Service status and planned maintenance");
    public static readonly HelpAction Codes = new("/help/codes", "Every sign-in code explained");
    public static readonly HelpAction Sessions = new("/account/sessions", "Where you are signed in");
    public static readonly HelpAction ChangePassword = new("/account/password", "Change your password");
    public static readonly HelpAction DowntimeProcedure = new("/downtime-procedure", "What to do while the portal is down");

    public static IReadOnlyList<HelpArticle> Articles { get; } =
    [
        new("maintenance",
            "How do I know whether the portal is down for maintenance?",
            [
                "You do not have to guess. Planned maintenance is announced on the sign-in page days ahead, and while a window is in force the sign-in page says so, with the time it is expected to end.",
                "The status page lists every planned window in your practice's time zone, and offers a calendar file and a feed your IT team can subscribe to. If something breaks without notice, the sign-in page says the service is degraded rather than blaming your password.",
            ],
            [ReasonCodes.MaintenanceWindow, ReasonCodes.ServiceDegraded],
            [Status, DowntimeProcedure]),
        new("maintenance-lockout",
            "Will failed attempts during maintenance lock me out?",
            [
                "No. Attempts made while a maintenance window is in force are recorded but never counted towards a lockout. If you were already locked when the window started and the lock outlasts it, the help desk is told automatically.",
            ],
            [ReasonCodes.MaintenanceWindow, ReasonCodes.AccountLocked],
            [Status, Unlock]),
        new("password-expiring",
            "Why does my password keep expiring?",
            [
                "By default passwords here never expire: current guidance (NIST SP 800-63B) is to change a password only when there is a reason to. Some practices turn expiry on because their own policy requires it; then you get reminders by email 14, 7 and 1 days before, and a notice after you sign in.",
                "If the timing disrupts your work, your practice administrator can grant you an extension. When you choose a new password, a long passphrase you can remember beats a short complicated one.",
            ],
            [ReasonCodes.PasswordExpired, ReasonCodes.PasswordResetRequired, ReasonCodes.PasswordNotAccepted],
            [ChangePassword, ForgotPassword]),
        new("forgot",
            "I forgot my password, or I am not sure which username to use",
            [
                "You can sign in with your provider ID (username), your email address or your individual NPI. If none of them works, ask for a reset link: it goes to the email address on your account and works once, for 30 minutes.",
                "For your protection the page never says whether an account exists; if no email arrives within a few minutes, check your spam folder, then ask for help with the trace ID shown on the page.",
            ],
            [ReasonCodes.InvalidCredentials, ReasonCodes.ResetRequested, ReasonCodes.ResetLinkInvalid, ReasonCodes.ResetLinkExpired,
                ReasonCodes.ResetLinkUsed, ReasonCodes.ResetLinkOtherAccount, ReasonCodes.PasswordReset],
            [ForgotPassword, CantSignIn]),
        new("locked",
            "I am locked out",
            [
                "After too many wrong passwords an account is locked for a while to stop password guessing. You can unlock it yourself: ask for an unlock link, which goes to your email. On a computer you have signed in from before, the sign-in page tells you when the lock ends.",
                "Someone guessing at your account locks out unfamiliar browsers, not the one you normally use, so the sign-in page on your own computer usually still works.",
            ],
            [ReasonCodes.AccountLocked, ReasonCodes.UnlockRequested, ReasonCodes.AccountUnlocked, ReasonCodes.RateLimited],
            [Unlock, ForgotPassword]),
        new("sso",
            "My practice uses single sign-on and I cannot get in",
            [
                "If your practice signs in through its own identity provider, use your practice's sign-in address (it ends in /o/ and your practice's short name); it sends you to the right provider. A password typed on the general page will not work when single sign-on is required, and the page will say so.",
                "When the provider cannot be reached, its certificate expired or its settings changed, Signpost tells those apart from a wrong password and alerts your practice administrator and the payer's operators; nothing you change on your computer will fix it.",
            ],
            [ReasonCodes.SsoProviderUnreachable, ReasonCodes.SsoProviderMisconfigured, ReasonCodes.SsoSignatureInvalid, ReasonCodes.SsoTokenInvalid,
                ReasonCodes.SsoUserNotLinked, ReasonCodes.SsoRequired, ReasonCodes.SsoCancelled],
            [CantSignIn, Status]),
        new("browser",
            "Which browsers work?",
            [
                "The latest two versions of Chrome, Edge and Firefox, and Safari on macOS. The sign-in page checks your browser for you and says if it is too old; some practices block old browsers, others only warn.",
                "You do not need to clear your cache or disable extensions as a matter of routine: if your browser refuses cookies or shows an old copy of the page, the sign-in page detects it and tells you exactly which.",
            ],
            [ReasonCodes.BrowserUnsupported, ReasonCodes.SignedInBrowserWarning, ReasonCodes.CookiesDisabled, ReasonCodes.StaleForm],
            [CantSignIn]),
        new("public-computer",
            "Is it safe to sign in from a shared computer or public Wi-Fi?",
            [
                "Use a practice computer on a network your practice approves whenever you can. Some practices only allow sign-in from their own networks; from anywhere else the sign-in page says the network is not allowed.",
                "On a shared computer, never let the browser save your password, and sign out when you leave. You can see every place you are signed in, and end them, from your account.",
            ],
            [ReasonCodes.NetworkNotAllowed, ReasonCodes.RateLimited],
            [Sessions]),
        new("account-state",
            "The page says my account is disabled, pending or not part of a practice",
            [
                "These states are shown only after you gave the right password, so what you read is true of your account. A disabled account or a removed practice membership can only be changed by your practice administrator; a pending account needs the activation link from your invitation email (your administrator can send a new one).",
                "An account held for review after suspicious activity is released by the payer's help desk, not by your practice.",
            ],
            [ReasonCodes.AccountDisabled, ReasonCodes.AccountPendingActivation, ReasonCodes.NoActiveMembership, ReasonCodes.AccountFlagged,
                ReasonCodes.AccountActivated],
            [CantSignIn]),
        new("self-service",
            "Can I fix this myself, or does my administrator have to?",
            [
                "On your own: reset a password, unlock a locked account, change your password, end sessions, and fix what the page tells you about your browser.",
                "Your practice administrator: invitations, roles, re-enabling a disabled account, membership of the practice, password expiry extensions. The payer's help desk: accounts held for review, single sign-on connections, anything still failing after the steps above.",
            ],
            [ReasonCodes.AccountDisabled, ReasonCodes.NoActiveMembership, ReasonCodes.AccountFlagged, ReasonCodes.PasswordResetRequired],
            [ForgotPassword, Unlock, CantSignIn]),
        new("mfa",
            "My verification code is not accepted",
            [
                "Codes from an authenticator app change every 30 seconds and depend on your phone's clock. If the page says your phone's clock looks off, turn on automatic date and time on the phone and try a fresh code.",
                "After several wrong codes, code entry pauses for a while; ask for help if you have lost the device that makes your codes.",
            ],
            [ReasonCodes.MfaRequired, ReasonCodes.MfaCodeInvalid, ReasonCodes.MfaClockSkew, ReasonCodes.MfaNotEnrolled, ReasonCodes.MfaLocked],
            [CantSignIn]),
        new("what-to-report",
            "What should I have ready when I ask for help?",
            [
                "The trace ID shown under every failed sign-in. With it the help desk sees the exact reason, time, browser, network and every earlier attempt; you no longer need to write them down.",
                "\"Can't sign in?\" collects your browser, its version, whether cookies and JavaScript work, your time zone and clock, and files the request with all of it. Add a short description, a call-back number and, if it helps, a screenshot.",
            ],
            [ReasonCodes.InvalidRequest],
            [CantSignIn]),
        new("contact-support",
            "When should I contact the help desk?",
            [
                "When the steps the page suggests did not work, when you need something only the payer can do, or straight away when patient care is waiting. Some problems reach the help desk without you: repeated failed resets, a lock that outlasts maintenance, single sign-on failing for several people at your practice, and failures from every network you try.",
            ],
            [ReasonCodes.ServiceDegraded],
            [CantSignIn, Status]),
        new("prevent",
            "How can our practice avoid sign-in trouble?",
            [
                "Keep browsers updated, keep each person's email address current (reset and unlock links go there), subscribe your IT team to the maintenance feed, and have more than one practice administrator.",
                "Administrators get a quarterly credential review: who has which role, who has not signed in for 90 days, invitations never accepted, and role changes in the period, each with a recommended action.",
            ],
            [ReasonCodes.SignedIn],
            [Status, Codes]),
    ];

    /// <summary>The questions that concern one reason code, in help-centre order.</summary>
    public static IReadOnlyList<HelpArticle> For(string reasonCode) =>
        [.. Articles.Where(a => a.ReasonCodes.Contains(reasonCode, StringComparer.Ordinal))];
}

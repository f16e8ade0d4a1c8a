using System.ComponentModel.DataAnnotations;
using Signpost.Core.Reasons;

namespace Signpost.Core.Escalation;

/// <summary>
/// Thresholds and windows of the docs/design.md §6 escalation rules, under <c>Signpost:Escalation</c>. The defaults
/// follow the seed: "within 15 minutes", "several users", "two or more distinct networks".
/// </summary>
public sealed class EscalationOptions
{
    public const string Section = "Signpost:Escalation";

    /// <summary>Failed reset steps (a link refused, a new password refused) of one account that escalate, within <see cref="ResetFailureWindow"/>.</summary>
    [Range(2, 100, ErrorMessage = "Signpost:Escalation:ResetFailures must be between 2 and 100.")]
    public int ResetFailures { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Signpost:Escalation:ResetFailureWindow must be between 1 minute and 1 day.")]
    public TimeSpan ResetFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Wrong-password failures after a completed reset that escalate: one is a typo, two mean the reset did not help.</summary>
    [Range(1, 100, ErrorMessage = "Signpost:Escalation:FailuresAfterReset must be between 1 and 100.")]
    public int FailuresAfterReset { get; set; } = 2;

    /// <summary>How long after a completed reset a wrong-password failure still counts as "the error persists".</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Signpost:Escalation:AfterResetWindow must be between 1 minute and 7 days.")]
    public TimeSpan AfterResetWindow { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Distinct users of one organization with SSO errors that make the organization-level incident.</summary>
    [Range(2, 1000, ErrorMessage = "Signpost:Escalation:SsoUsers must be between 2 and 1000.")]
    public int SsoUsers { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Signpost:Escalation:SsoWindow must be between 1 minute and 1 day.")]
    public TimeSpan SsoWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// SSO reasons that point at the connection, not the person. Left out by default: <c>sso_cancelled</c>
    /// (the user or their provider said no), <c>sso_user_not_linked</c> (one account's link, an admin task)
    /// and <c>sso_required</c> (the organization's policy working as meant).
    /// </summary>
    public List<string> SsoReasonCodes { get; set; } =
        [ReasonCodes.SsoProviderUnreachable, ReasonCodes.SsoProviderMisconfigured, ReasonCodes.SsoSignatureInvalid, ReasonCodes.SsoTokenInvalid];

    /// <summary>How far back a failure with an older browser version counts for "it reappears after the update".</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00", ErrorMessage = "Signpost:Escalation:BrowserWindow must be between 1 minute and 90 days.")]
    public TimeSpan BrowserWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Reasons that blame the browser.</summary>
    public List<string> BrowserReasonCodes { get; set; } = [ReasonCodes.BrowserUnsupported, ReasonCodes.CookiesDisabled, ReasonCodes.StaleForm];

    /// <summary>Distinct networks a user must have failed from, with no success from any, to escalate.</summary>
    [Range(2, 100, ErrorMessage = "Signpost:Escalation:Networks must be between 2 and 100.")]
    public int Networks { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Signpost:Escalation:NetworkWindow must be between 1 minute and 7 days.")]
    public TimeSpan NetworkWindow { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Reasons that blame the network path (a wrong password from two networks is not a network issue).</summary>
    public List<string> NetworkReasonCodes { get; set; } =
        [ReasonCodes.NetworkNotAllowed, ReasonCodes.RateLimited, ReasonCodes.ServiceDegraded, ReasonCodes.SsoProviderUnreachable];

    /// <summary>The longest window of any rule: how far back the engine reads events.</summary>
    public TimeSpan LongestWindow => new[] { ResetFailureWindow, AfterResetWindow, SsoWindow, BrowserWindow, NetworkWindow }.Max();
}

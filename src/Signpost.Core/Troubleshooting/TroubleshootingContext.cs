using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.Browsers;
using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting;

/// <summary>Who reads the diagnosis; decides whether support-only facts (similar identifiers) are gathered.</summary>
public enum DiagnosisAudience
{
    /// <summary>Payer support and platform operators: every fact.</summary>
    Support,

    /// <summary>A practice administrator: the practice's own accounts, never identifiers from elsewhere.</summary>
    PracticeAdmin,
}

/// <summary>
/// Everything the checks read, gathered once per diagnosis so that every check sees the same facts.
/// <see cref="Facts"/> stays available for a check that needs more (an SSO check reading its own store).
/// </summary>
public sealed record TroubleshootingContext
{
    /// <summary>For checks that need more than the lists below; <see cref="NoTroubleshootingFacts"/> when the caller built the context by hand.</summary>
    public ITroubleshootingFacts Facts { get; init; } = NoTroubleshootingFacts.Instance;

    public DiagnosisAudience Audience { get; init; } = DiagnosisAudience.Support;

    /// <summary>The diagnosis's "now": lock state, windows in force and the like are judged at this instant.</summary>
    public required DateTimeOffset Now { get; init; }

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    /// <summary>The attempt under diagnosis: the trace's event, or the account's latest failure (else latest event) in range.</summary>
    public SignInEvent? Focus { get; init; }

    public Account? Account { get; init; }

    /// <summary>The organizations concerned: the account's memberships', or the focus event's.</summary>
    public IReadOnlyList<Organization> Organizations { get; init; } = [];

    /// <summary>Events of the account (or, with no account, of the identifier typed) in range, oldest first.</summary>
    public IReadOnlyList<SignInEvent> Events { get; init; } = [];

    public IReadOnlyList<LockoutCounter> LockoutCounters { get; init; } = [];

    public IReadOnlyList<MaintenanceWindow> Windows { get; init; } = [];

    public IReadOnlyList<AuditEntry> AdminChanges { get; init; } = [];

    /// <summary>Organization-wide SSO failures in range, for "several users of the same organization".</summary>
    public IReadOnlyList<SignInEvent> OrganizationSsoFailures { get; init; } = [];

    /// <summary>SSO health per organization that has a connection.</summary>
    public IReadOnlyDictionary<Guid, SsoHealth> SsoHealth { get; init; } = new Dictionary<Guid, SsoHealth>();

    public BrowserSupportOptions BrowserMatrix => Facts.BrowserMatrix;

    /// <summary>
    /// The escalation engine's thresholds and windows, the same values the engine reads
    /// (<c>Signpost:Escalation</c>), so that <see cref="DiagnosisEscalation"/> and the engine cannot disagree.
    /// Defaults when the caller built the context by hand.
    /// </summary>
    public EscalationOptions Escalation { get; init; } = new();

    /// <summary>
    /// What the escalation rules read around each attempt: the account's events from
    /// <see cref="EscalationOptions.LongestWindow"/> before <see cref="From"/>, and the organizations' SSO errors
    /// from <see cref="EscalationOptions.SsoWindow"/> before it, so an attempt near the start of the range is
    /// judged on the same history the engine saw. Empty when the caller built the context by hand; then
    /// <see cref="RuleHistory"/> falls back to <see cref="Events"/> and <see cref="OrganizationSsoFailures"/>.
    /// </summary>
    public IReadOnlyList<SignInEvent> EscalationHistory { get; init; } = [];

    /// <summary><see cref="EscalationHistory"/>, else the events in range and the organizations' SSO errors.</summary>
    public IReadOnlyList<SignInEvent> RuleHistory => EscalationHistory.Count > 0
        ? EscalationHistory
        : [.. Events.Concat(OrganizationSsoFailures).DistinctBy(e => (e.Id, e.TraceId)).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id)];

    /// <summary>True when the focus attempt failed: only then do current-state facts become candidates.</summary>
    public bool FocusFailed => Focus is { Succeeded: false };

    /// <summary>
    /// The attempts that tell the current story: up to the focus, after the last successful sign-in before it
    /// (recovery steps such as a completed reset do not end the story), oldest first.
    /// </summary>
    public IReadOnlyList<SignInEvent> Story
    {
        get
        {
            var until = Focus?.OccurredAt ?? To;
            var upTo = Events.Where(e => e.OccurredAt <= until).ToList();
            var lastSuccess = upTo.FindLastIndex(e => e.Succeeded && IsSignIn(e) && (Focus is null || e.TraceId != Focus.TraceId));
            return upTo.Skip(lastSuccess + 1).ToList();
        }
    }

    /// <summary>The failed attempts of <see cref="Story"/>.</summary>
    public IReadOnlyList<SignInEvent> StoryFailures => [.. Story.Where(e => !e.Succeeded)];

    /// <summary>Events after the focus (a later success, the failure persisting).</summary>
    public IReadOnlyList<SignInEvent> After => Focus is null ? [] : [.. Events.Where(e => e.OccurredAt > Focus.OccurredAt)];

    /// <summary>A sign-in proper (password or app), as opposed to a recovery step.</summary>
    public static bool IsSignIn(SignInEvent e) => e.Method is SignInMethod.Password or SignInMethod.Api;

    /// <summary>The catalogue entry of an event's exact reason.</summary>
    public static Reason ReasonOf(SignInEvent e) => ReasonCatalogue.TryGet(e.ReasonCode, out var reason) ? reason : ReasonCatalogue.Get(ReasonCodes.InvalidRequest);
}

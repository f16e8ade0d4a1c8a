namespace Signpost.Core.Escalation;

/// <summary>Who an escalation goes to (docs/design.md §6, the "to" column).</summary>
public enum EscalationTarget
{
    /// <summary>The payer's support desk: <c>Signpost:SupportEmail</c>, and the ticketing webhook when <c>Signpost:Webhook:Url</c> is set (docs/incidents.md).</summary>
    PayerSupport,

    /// <summary>The people who run Signpost.</summary>
    PlatformOperators,

    /// <summary>The administrators of the practice concerned.</summary>
    PracticeAdmins,
}

/// <summary>
/// What an escalation rule concluded: whether it fired, why (one sentence for operators), and when it
/// fired the evidence a ticket carries.
/// </summary>
public sealed record EscalationDecision<TEvidence>(string RuleId, bool Fired, string Explanation, TEvidence? Evidence)
    where TEvidence : class
{
    public static EscalationDecision<TEvidence> NotFired(string ruleId, string explanation) => new(ruleId, false, explanation, null);

    public static EscalationDecision<TEvidence> Fire(string ruleId, string explanation, TEvidence evidence) => new(ruleId, true, explanation, evidence);
}

using System.Globalization;
using Signpost.Core.Events;

namespace Signpost.Core.Escalation.Rules;

/// <summary>One event as evidence: enough to find it again (trace ID) and to read the story without opening it.</summary>
public sealed record EvidenceEvent(
    string TraceId,
    DateTimeOffset At,
    string Method,
    string ReasonCode,
    string? Browser,
    string? BrowserVersion,
    string? Network,
    string? ClientIp)
{
    public static EvidenceEvent Of(SignInEvent e) =>
        new(e.TraceId, e.OccurredAt, e.Method.ToString(), e.ReasonCode, e.Browser, e.BrowserVersion, e.NetworkLabel, e.ClientIp);
}

/// <summary>
/// What a rule concluded when it fired: the rule, who it goes to, its subject (an account or an
/// organization) and the window it fired in — together the key that makes one firing out of many
/// evaluations of the same facts, on any node — and the evidence the incident and ticket carry.
/// </summary>
/// <param name="RuleId">Stable rule ID, e.g. <c>sso_misconfiguration.organization</c>.</param>
/// <param name="Title">One line for the incident list.</param>
/// <param name="Targets">Where the escalation goes (docs/design.md §6 "to").</param>
/// <param name="Subject">What the rule is about: <c>account/{id}</c> or <c>organization/{id}</c>.</param>
/// <param name="WindowStart">The start of the window the evidence came from; the same facts give the same instant.</param>
/// <param name="AccountId">The account concerned, when the rule is about one.</param>
/// <param name="OrganizationId">The organization concerned, when known.</param>
/// <param name="Explanation">One sentence for operators.</param>
/// <param name="Evidence">The events that made the rule fire, oldest first.</param>
public sealed record RuleFiring(
    string RuleId,
    string Title,
    IReadOnlyList<EscalationTarget> Targets,
    string Subject,
    DateTimeOffset WindowStart,
    Guid? AccountId,
    Guid? OrganizationId,
    string Explanation,
    IReadOnlyList<EvidenceEvent> Evidence)
{
    /// <summary>The deduplication key of the firing: rule + subject + window (unique in the database).</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{RuleId}/{Subject}/{WindowStart.ToUnixTimeMilliseconds()}");

    /// <summary>
    /// The key of the open incident the firing raises or joins: rule + subject. While such an incident is
    /// open, later firings and failures attach to it instead of opening another one.
    /// </summary>
    public string IncidentKey => $"{RuleId}/{Subject}";

    public static string AccountSubject(Guid accountId) => string.Create(CultureInfo.InvariantCulture, $"account/{accountId:N}");

    public static string OrganizationSubject(Guid organizationId) => string.Create(CultureInfo.InvariantCulture, $"organization/{organizationId:N}");
}

/// <summary>Shared reading of events for the rules.</summary>
internal static class RuleEvents
{
    /// <summary>Events in [from, trigger], oldest first, never later than the trigger (ties by ID): the same facts whenever evaluated.</summary>
    public static IEnumerable<SignInEvent> Between(IEnumerable<SignInEvent> history, SignInEvent trigger, DateTimeOffset from) =>
        history.Where(e => e.OccurredAt >= from && (e.OccurredAt < trigger.OccurredAt || (e.OccurredAt == trigger.OccurredAt && e.Id <= trigger.Id)))
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.Id);
}

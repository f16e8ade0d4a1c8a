namespace Signpost.Core.Analytics;

/// <summary>Whether a person asked for help or a rule raised an incident.</summary>
public enum HelpContactKind
{
    /// <summary>An incident a person asked for (no rule).</summary>
    HelpRequest,

    /// <summary>An incident an escalation rule raised.</summary>
    Incident,
}

/// <summary>
/// A help request or incident as the story teller needs it: when, about whom, and which attempts it names.
/// A contact belongs to a story when it names the story's person or one of its trace IDs.
/// </summary>
public sealed record HelpContact(DateTimeOffset At, HelpContactKind Kind, Guid? AccountId, IReadOnlyCollection<string> TraceIds)
{
    /// <summary>From an incident: a rule's is an incident, a person's own a help request.</summary>
    public static HelpContact From(Incidents.Incident incident) => new(
        incident.CreatedAt,
        incident.RuleId is null ? HelpContactKind.HelpRequest : HelpContactKind.Incident,
        incident.AccountId,
        incident.TraceIds.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}

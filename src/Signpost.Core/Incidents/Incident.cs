namespace Signpost.Core.Incidents;

/// <summary>Where an incident stands. Rule-raised incidents start escalated: a rule only fires when self-service did not help.</summary>
public enum IncidentStatus
{
    Open,
    Escalated,
    Resolved,
}

/// <summary>
/// A problem someone must look at (docs/design.md §6): raised by an escalation rule or asked for by a person. It
/// carries the seed's data points as collected when it was raised (<see cref="DataPoints"/>, JSON), the
/// trace IDs, and for an organization-level incident every later failure attached to it.
/// </summary>
public sealed class Incident
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxAssigneeLength = 256;
    public const int MaxTraceIds = 50;

    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Title { get; set; }
    public IncidentStatus Status { get; set; }

    /// <summary>The rule that raised it, or null when a person asked for help.</summary>
    public string? RuleId { get; set; }

    /// <summary>Who it went to, comma-separated <see cref="Escalation.EscalationTarget"/> names.</summary>
    public required string Targets { get; set; }

    /// <summary>
    /// Rule + subject while the incident is not resolved, else null. Unique in the database: the one guard
    /// that keeps several nodes from opening two incidents for the same organization's SSO failures.
    /// </summary>
    public string? OpenKey { get; set; }

    public Guid? OrganizationId { get; set; }
    public Guid? AccountId { get; set; }

    /// <summary>What the person wrote, or the rule's explanation. Stored and served as text, never as markup.</summary>
    public string? Description { get; set; }

    public string? CallbackNumber { get; set; }

    /// <summary>Trace IDs, space-separated, oldest first.</summary>
    public string TraceIds { get; set; } = "";

    /// <summary>docs/design.md §6 data points as JSON, from <see cref="IIncidentFactsCollector"/>.</summary>
    public string DataPoints { get; set; } = "{}";

    public string? AssignedTo { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>When the creation emails went out (null: the delivery job still owes them).</summary>
    public DateTimeOffset? NotifiedAt { get; set; }

    /// <summary>Failures attached after the incident was raised (organization-level incidents).</summary>
    public int AttachedCount { get; set; }

    /// <summary>Optimistic concurrency: an update names the version it read.</summary>
    public int Version { get; set; }

    public bool HasScreenshot { get; set; }

    public IReadOnlyList<string> TraceIdList => TraceIds.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A note on an incident by support or an admin; text only.</summary>
public sealed class IncidentNote
{
    public const int MaxTextLength = 4000;

    public long Id { get; set; }
    public Guid IncidentId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Author { get; set; }
    public required string Text { get; set; }
}

/// <summary>A screenshot a person attached when asking for help (PNG or JPEG, at most 2 MB), kept apart so lists never load it.</summary>
public sealed class IncidentScreenshot
{
    public const int MaxBytes = 2 * 1024 * 1024;

    public Guid IncidentId { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Bytes { get; set; }
}

/// <summary>A failure attached to an open incident after it was raised; (incident, trace ID) is unique.</summary>
public sealed class IncidentAttachment
{
    public long Id { get; set; }
    public Guid IncidentId { get; set; }
    public required string TraceId { get; set; }
    public Guid? AccountId { get; set; }
    public required string ReasonCode { get; set; }
    public DateTimeOffset At { get; set; }
}

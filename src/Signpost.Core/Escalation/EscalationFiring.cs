namespace Signpost.Core.Escalation;

/// <summary>
/// A rule that fired, stored with its evidence. <see cref="Key"/> (rule + subject + window) is unique, so
/// the same facts evaluated twice — by the live path and the catch-up sweep, or by two nodes — are one firing.
/// </summary>
public sealed class EscalationFiring
{
    public const int MaxKeyLength = 200;

    public long Id { get; set; }
    public required string Key { get; set; }
    public required string RuleId { get; set; }
    public required string Subject { get; set; }
    public DateTimeOffset WindowStart { get; set; }
    public DateTimeOffset FiredAt { get; set; }

    /// <summary>The event whose evaluation fired the rule, or null for a rule run on a timer (locks).</summary>
    public string? TriggerTraceId { get; set; }

    public required string Explanation { get; set; }

    /// <summary>The evidence as JSON (the events, oldest first, or the rule's own record).</summary>
    public required string Evidence { get; set; }

    /// <summary>The incident it raised or joined.</summary>
    public Guid? IncidentId { get; set; }
}

using Signpost.Core.Escalation;

namespace Signpost.Core.Incidents;

/// <summary>Filters of the incident list; every filter is optional, and <see cref="OrganizationIds"/> limits a practice admin to theirs.</summary>
public sealed record IncidentQuery
{
    public IncidentStatus? Status { get; init; }
    public Guid? OrganizationId { get; init; }
    public Guid? AccountId { get; init; }
    public string? RuleId { get; init; }
    public string? AssignedTo { get; init; }
    public DateTimeOffset? CreatedFrom { get; init; }
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>When set, only incidents of these organizations (a practice admin's scope).</summary>
    public IReadOnlyCollection<Guid>? OrganizationIds { get; init; }

    public int Take { get; init; } = 50;
}

/// <summary>Incidents, their notes, screenshots and attachments, and the rule firings that raised them.</summary>
public interface IIncidentStore
{
    /// <summary>Stores a firing; false when one with the same key exists (another evaluation or node got there first).</summary>
    Task<bool> TryAddFiringAsync(EscalationFiring firing, CancellationToken cancellationToken);

    Task SetFiringIncidentAsync(string firingKey, Guid incidentId, CancellationToken cancellationToken);

    Task<IReadOnlyList<EscalationFiring>> ListFiringsAsync(Guid incidentId, CancellationToken cancellationToken);

    /// <summary>Adds an incident (and its screenshot); false when its <see cref="Incident.OpenKey"/> is already held by an unresolved one.</summary>
    Task<bool> TryAddAsync(Incident incident, IncidentScreenshot? screenshot, CancellationToken cancellationToken);

    Task<Incident?> FindOpenAsync(string openKey, CancellationToken cancellationToken);

    Task<Incident?> FindAsync(Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken);

    /// <summary>Attaches a failure to an incident; false when that trace ID is attached already.</summary>
    Task<bool> TryAttachAsync(IncidentAttachment attachment, CancellationToken cancellationToken);

    Task<IReadOnlyList<IncidentAttachment>> ListAttachmentsAsync(Guid incidentId, int take, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the changed incident when its stored version is still <paramref name="expectedVersion"/>, bumping
    /// it, and adds the note; false when someone else changed it first.
    /// </summary>
    Task<bool> TryUpdateAsync(Incident incident, int expectedVersion, IncidentNote? note, CancellationToken cancellationToken);

    Task<IReadOnlyList<IncidentNote>> ListNotesAsync(Guid incidentId, CancellationToken cancellationToken);

    Task<IncidentScreenshot?> FindScreenshotAsync(Guid incidentId, CancellationToken cancellationToken);

    /// <summary>Incidents whose creation emails are still owed, oldest first.</summary>
    Task<IReadOnlyList<Incident>> ListUnnotifiedAsync(int take, CancellationToken cancellationToken);

    Task MarkNotifiedAsync(Guid incidentId, DateTimeOffset at, CancellationToken cancellationToken);
}

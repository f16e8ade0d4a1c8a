using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Escalation;
using Signpost.Core.Incidents;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Support;

/// <summary>
/// One incident as the help desk works it: what the person wrote, the data points of docs/design.md §6, the rule's
/// evidence, later failures attached to it, notes; and the acts — assign, change status, note, resolve — each
/// audited, refused with a plain sentence when someone else changed the incident since the page was opened.
/// </summary>
public sealed class IncidentModel(IIncidentStore store, IncidentService incidents, AuditActors actors) : PageModel
{
    public Incident Incident { get; private set; } = null!;
    public IReadOnlyList<IncidentNote> Notes { get; private set; } = [];
    public IReadOnlyList<EscalationFiring> Firings { get; private set; } = [];
    public IReadOnlyList<IncidentAttachment> Attachments { get; private set; } = [];

    /// <summary>The data points, pretty-printed for reading.</summary>
    public string DataPoints { get; private set; } = "";
    public IReadOnlyList<string> Problems { get; private set; } = [];
    public bool Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, bool saved, CancellationToken cancellationToken)
    {
        Saved = saved;
        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var form = await Request.ReadFormAsync(cancellationToken);
        if (!int.TryParse(form["version"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            Problems = ["The form lost its version; reload the page."];
            return Page();
        }

        IncidentStatus? status = Enum.TryParse<IncidentStatus>(form["status"], out var parsed) && Enum.IsDefined(parsed) && parsed != Incident.Status ? parsed : null;
        if (form["action"] == "resolve")
        {
            status = IncidentStatus.Resolved;
        }

        var assignee = form["action"] == "take" ? User.Identity?.Name ?? "" : form.ContainsKey("assigned") && form["assigned"].ToString().Trim() != (Incident.AssignedTo ?? "") ? form["assigned"].ToString() : null;
        var note = form["note"].ToString();
        var result = await incidents.UpdateAsync(Incident.Id, version, new IncidentChange
        {
            Status = status,
            AssignedTo = assignee,
            Note = string.IsNullOrWhiteSpace(note) ? null : note,
        }, actors.Current, cancellationToken);
        switch (result.Status)
        {
            case IncidentWriteStatus.Done:
                return RedirectToPage(new { id, saved = true });
            case IncidentWriteStatus.Conflict:
                await LoadAsync(id, cancellationToken);
                Problems = ["Someone else changed this incident after you opened it; their change is shown below. Review it and make yours again."];
                return Page();
            default:
                Problems = result.Problems;
                return Page();
        }
    }

    private async Task<bool> LoadAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var incidentId) || await store.FindAsync(incidentId, cancellationToken) is not { } incident)
        {
            return false;
        }

        Incident = incident;
        Notes = await store.ListNotesAsync(incidentId, cancellationToken);
        Firings = await store.ListFiringsAsync(incidentId, cancellationToken);
        Attachments = await store.ListAttachmentsAsync(incidentId, 50, cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(incident.DataPoints);
            DataPoints = JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            DataPoints = incident.DataPoints;
        }

        return true;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

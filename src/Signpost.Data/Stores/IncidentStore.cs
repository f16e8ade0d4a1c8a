using Microsoft.EntityFrameworkCore;
using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Core.Organizations;

namespace Signpost.Data.Stores;

/// <summary>The escalation engine's high-water mark: the highest event ID up to which every event was evaluated.</summary>
public sealed class EscalationCursor
{
    public const string EventsName = "escalation-events";

    public required string Name { get; set; }
    public long Value { get; set; }
}

/// <summary>
/// Incidents and firings. Deduplication is the database's: a unique firing key and a unique open-incident
/// key, so an INSERT that loses a race fails and the caller joins the winner — the same on SQLite and PostgreSQL.
/// </summary>
internal sealed class IncidentStore(SignpostDbContext db) : IIncidentStore, IEscalationReader
{
    public Task<bool> TryAddFiringAsync(EscalationFiring firing, CancellationToken cancellationToken) => TryInsertAsync(firing, cancellationToken);

    public Task SetFiringIncidentAsync(string firingKey, Guid incidentId, CancellationToken cancellationToken) =>
        db.EscalationFirings.Where(f => f.Key == firingKey).ExecuteUpdateAsync(s => s.SetProperty(f => f.IncidentId, incidentId), cancellationToken);

    public async Task<IReadOnlyList<EscalationFiring>> ListFiringsAsync(Guid incidentId, CancellationToken cancellationToken) =>
        await db.EscalationFirings.AsNoTracking().Where(f => f.IncidentId == incidentId).OrderBy(f => f.Id).ToListAsync(cancellationToken);

    public async Task<bool> TryAddAsync(Incident incident, IncidentScreenshot? screenshot, CancellationToken cancellationToken)
    {
        db.Incidents.Add(incident);
        if (screenshot is not null)
        {
            db.IncidentScreenshots.Add(screenshot);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // The open key is held: another evaluation opened the incident first.
            return false;
        }
        finally
        {
            db.Entry(incident).State = EntityState.Detached;
            if (screenshot is not null)
            {
                db.Entry(screenshot).State = EntityState.Detached;
            }
        }
    }

    public Task<Incident?> FindOpenAsync(string openKey, CancellationToken cancellationToken) =>
        db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.OpenKey == openKey, cancellationToken);

    public Task<Incident?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);

    public async Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        var incidents = db.Incidents.AsNoTracking();
        if (query.Status is { } status)
        {
            incidents = incidents.Where(i => i.Status == status);
        }

        if (query.OrganizationId is { } organizationId)
        {
            incidents = incidents.Where(i => i.OrganizationId == organizationId);
        }

        if (query.OrganizationIds is { } scope)
        {
            var ids = scope.ToList();
            incidents = incidents.Where(i => i.OrganizationId != null && ids.Contains(i.OrganizationId.Value));
        }

        if (query.AccountId is { } accountId)
        {
            incidents = incidents.Where(i => i.AccountId == accountId);
        }

        if (query.RuleId is { } ruleId)
        {
            incidents = incidents.Where(i => i.RuleId == ruleId);
        }

        if (query.AssignedTo is { } assignee)
        {
            incidents = incidents.Where(i => i.AssignedTo == assignee);
        }

        if (query.CreatedFrom is { } from)
        {
            incidents = incidents.Where(i => i.CreatedAt >= from);
        }

        if (query.CreatedTo is { } to)
        {
            incidents = incidents.Where(i => i.CreatedAt < to);
        }

        return await incidents.OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id).Take(Math.Clamp(query.Take, 1, 500)).ToListAsync(cancellationToken);
    }

    public async Task<bool> TryAttachAsync(IncidentAttachment attachment, CancellationToken cancellationToken)
    {
        if (!await TryInsertAsync(attachment, cancellationToken))
        {
            return false;
        }

        await db.Incidents.Where(i => i.Id == attachment.IncidentId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AttachedCount, i => i.AttachedCount + 1), cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<IncidentAttachment>> ListAttachmentsAsync(Guid incidentId, int take, CancellationToken cancellationToken) =>
        await db.IncidentAttachments.AsNoTracking().Where(a => a.IncidentId == incidentId).OrderBy(a => a.Id).Take(take).ToListAsync(cancellationToken);

    public async Task<bool> TryUpdateAsync(Incident incident, int expectedVersion, IncidentNote? note, CancellationToken cancellationToken)
    {
        // One conditional UPDATE: the version the caller read must still be the stored one.
        var changed = await db.Incidents.Where(i => i.Id == incident.Id && i.Version == expectedVersion)
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Status, incident.Status)
                .SetProperty(i => i.AssignedTo, incident.AssignedTo)
                .SetProperty(i => i.OpenKey, incident.OpenKey)
                .SetProperty(i => i.ResolvedAt, incident.ResolvedAt)
                .SetProperty(i => i.UpdatedAt, incident.UpdatedAt)
                .SetProperty(i => i.Version, expectedVersion + 1), cancellationToken);
        if (changed != 1)
        {
            return false;
        }

        if (note is not null)
        {
            await TryInsertAsync(note, cancellationToken);
        }

        return true;
    }

    public async Task<IReadOnlyList<IncidentNote>> ListNotesAsync(Guid incidentId, CancellationToken cancellationToken) =>
        await db.IncidentNotes.AsNoTracking().Where(n => n.IncidentId == incidentId).OrderBy(n => n.Id).ToListAsync(cancellationToken);

    public Task<IncidentScreenshot?> FindScreenshotAsync(Guid incidentId, CancellationToken cancellationToken) =>
        db.IncidentScreenshots.AsNoTracking().FirstOrDefaultAsync(s => s.IncidentId == incidentId, cancellationToken);

    public async Task<IReadOnlyList<Incident>> ListUnnotifiedAsync(int take, CancellationToken cancellationToken) =>
        await db.Incidents.AsNoTracking().Where(i => i.NotifiedAt == null).OrderBy(i => i.CreatedAt).Take(take).ToListAsync(cancellationToken);

    public Task MarkNotifiedAsync(Guid incidentId, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.Incidents.Where(i => i.Id == incidentId).ExecuteUpdateAsync(s => s.SetProperty(i => i.NotifiedAt, at), cancellationToken);

    public async Task<IReadOnlyList<SignInEvent>> ListForAccountAsync(Guid accountId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        await db.SignInEvents.AsNoTracking().Where(e => e.AccountId == accountId && e.OccurredAt >= from && e.OccurredAt <= to)
            .OrderBy(e => e.Id).Take(1000).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<SignInEvent>> ListForOrganizationAsync(Guid organizationId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        await db.SignInEvents.AsNoTracking().Where(e => e.OrganizationId == organizationId && e.OccurredAt >= from && e.OccurredAt <= to)
            .OrderBy(e => e.Id).Take(5000).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<SignInEvent>> ListAfterAsync(long afterId, int take, CancellationToken cancellationToken) =>
        await db.SignInEvents.AsNoTracking().Where(e => e.Id > afterId).OrderBy(e => e.Id).Take(take).ToListAsync(cancellationToken);

    public Task<long?> GetHighWaterMarkAsync(CancellationToken cancellationToken) =>
        db.Set<EscalationCursor>().AsNoTracking().Where(c => c.Name == EscalationCursor.EventsName).Select(c => (long?)c.Value).FirstOrDefaultAsync(cancellationToken);

    public async Task<long> LatestEventIdAsync(CancellationToken cancellationToken) =>
        await db.SignInEvents.MaxAsync(e => (long?)e.Id, cancellationToken) ?? 0;

    public async Task RaiseHighWaterMarkAsync(long eventId, CancellationToken cancellationToken)
    {
        var raised = await db.Set<EscalationCursor>().Where(c => c.Name == EscalationCursor.EventsName && c.Value < eventId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, eventId), cancellationToken);
        if (raised == 0 && !await db.Set<EscalationCursor>().AnyAsync(c => c.Name == EscalationCursor.EventsName, cancellationToken))
        {
            await TryInsertAsync(new EscalationCursor { Name = EscalationCursor.EventsName, Value = eventId }, cancellationToken);
        }
    }

    public Task<Organization?> FindOrganizationAsync(Guid organizationId, CancellationToken cancellationToken) =>
        db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, cancellationToken);

    /// <summary>Inserts one row; false when a unique key refused it.</summary>
    private async Task<bool> TryInsertAsync<T>(T entity, CancellationToken cancellationToken)
        where T : class
    {
        db.Set<T>().Add(entity);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
        finally
        {
            db.Entry(entity).State = EntityState.Detached;
        }
    }
}

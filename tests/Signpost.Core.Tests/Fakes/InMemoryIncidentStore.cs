using System.Runtime.CompilerServices;
using Signpost.Core.Audit;
using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Core.Organizations;

namespace Signpost.Core.Tests.Fakes;

/// <summary>
/// Incidents, firings, events and webhook deliveries in memory, with the database's unique keys: a
/// firing key once, an open-incident key once, a trace ID once per incident.
/// </summary>
public sealed class InMemoryIncidentStore : IIncidentStore, IEscalationReader, IWebhookDeliveryStore, IAuditStore
{
    private readonly Lock _gate = new();
    private long _nextEventId;
    private long? _mark;

    public List<SignInEvent> Events { get; } = [];
    public List<EscalationFiring> Firings { get; } = [];
    public List<Incident> Incidents { get; } = [];
    public List<IncidentAttachment> Attachments { get; } = [];
    public List<IncidentNote> Notes { get; } = [];
    public List<WebhookDelivery> Deliveries { get; } = [];
    public List<WebhookAttempt> Attempts { get; } = [];
    public List<AuditEntry> Audit { get; } = [];

    public SignInEvent Add(SignInEvent e)
    {
        lock (_gate)
        {
            e.Id = ++_nextEventId;
            Events.Add(e);
            return e;
        }
    }

    public Task<bool> TryAddFiringAsync(EscalationFiring firing, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Firings.Any(f => f.Key == firing.Key))
            {
                return Task.FromResult(false);
            }

            firing.Id = Firings.Count + 1;
            Firings.Add(firing);
            return Task.FromResult(true);
        }
    }

    public Task SetFiringIncidentAsync(string firingKey, Guid incidentId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Firings.Single(f => f.Key == firingKey).IncidentId = incidentId;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<EscalationFiring>> ListFiringsAsync(Guid incidentId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<EscalationFiring>>([.. Firings.Where(f => f.IncidentId == incidentId)]);

    public Task<bool> TryAddAsync(Incident incident, IncidentScreenshot? screenshot, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (incident.OpenKey is not null && Incidents.Any(i => i.OpenKey == incident.OpenKey))
            {
                return Task.FromResult(false);
            }

            Incidents.Add(Copy(incident));
            return Task.FromResult(true);
        }
    }

    public Task<Incident?> FindOpenAsync(string openKey, CancellationToken cancellationToken) =>
        Task.FromResult(Incidents.Where(i => i.OpenKey == openKey).Select(Copy).FirstOrDefault());

    public Task<Incident?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        Task.FromResult(Incidents.Where(i => i.Id == id).Select(Copy).FirstOrDefault());

    public Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Incident>>([.. Incidents.Where(i => query.Status is null || i.Status == query.Status).Select(Copy)]);

    public Task<bool> TryAttachAsync(IncidentAttachment attachment, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Attachments.Any(a => a.IncidentId == attachment.IncidentId && a.TraceId == attachment.TraceId))
            {
                return Task.FromResult(false);
            }

            Attachments.Add(attachment);
            Incidents.Single(i => i.Id == attachment.IncidentId).AttachedCount++;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<IncidentAttachment>> ListAttachmentsAsync(Guid incidentId, int take, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IncidentAttachment>>([.. Attachments.Where(a => a.IncidentId == incidentId).Take(take)]);

    public Task<bool> TryUpdateAsync(Incident incident, int expectedVersion, IncidentNote? note, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var index = Incidents.FindIndex(i => i.Id == incident.Id && i.Version == expectedVersion);
            if (index < 0)
            {
                return Task.FromResult(false);
            }

            var stored = Copy(incident);
            stored.Version = expectedVersion + 1;
            Incidents[index] = stored;
            if (note is not null)
            {
                Notes.Add(note);
            }

            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<IncidentNote>> ListNotesAsync(Guid incidentId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IncidentNote>>([.. Notes.Where(n => n.IncidentId == incidentId)]);

    public Task<IncidentScreenshot?> FindScreenshotAsync(Guid incidentId, CancellationToken cancellationToken) => Task.FromResult<IncidentScreenshot?>(null);

    public Task<IReadOnlyList<Incident>> ListUnnotifiedAsync(int take, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Incident>>([.. Incidents.Where(i => i.NotifiedAt is null).Take(take).Select(Copy)]);

    public Task MarkNotifiedAsync(Guid incidentId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        Incidents.Single(i => i.Id == incidentId).NotifiedAt = at;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SignInEvent>> ListForAccountAsync(Guid accountId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SignInEvent>>([.. Events.Where(e => e.AccountId == accountId && e.OccurredAt >= from && e.OccurredAt <= to)]);

    public Task<IReadOnlyList<SignInEvent>> ListForOrganizationAsync(Guid organizationId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SignInEvent>>([.. Events.Where(e => e.OrganizationId == organizationId && e.OccurredAt >= from && e.OccurredAt <= to)]);

    public Task<IReadOnlyList<SignInEvent>> ListAfterAsync(long afterId, int take, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SignInEvent>>([.. Events.Where(e => e.Id > afterId).OrderBy(e => e.Id).Take(take)]);

    public Task<long?> GetHighWaterMarkAsync(CancellationToken cancellationToken) => Task.FromResult(_mark);

    public Task<long> LatestEventIdAsync(CancellationToken cancellationToken) => Task.FromResult(_nextEventId);

    public Task RaiseHighWaterMarkAsync(long eventId, CancellationToken cancellationToken)
    {
        _mark = Math.Max(_mark ?? 0, eventId);
        return Task.CompletedTask;
    }

    public Task<Organization?> FindOrganizationAsync(Guid organizationId, CancellationToken cancellationToken) => Task.FromResult<Organization?>(null);

    public Task EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        Deliveries.Add(delivery);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WebhookDelivery>> ListDueAsync(DateTimeOffset now, int take, bool includeWebhooks, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WebhookDelivery>>([.. Deliveries.Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now && (includeWebhooks || d.ClientId != null)).Take(take)]);

    public Task<bool> TryClaimAsync(Guid deliveryId, DateTimeOffset seenNextAttemptAt, DateTimeOffset claimUntil, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task RecordAttemptAsync(WebhookDelivery delivery, WebhookAttempt attempt, CancellationToken cancellationToken)
    {
        Attempts.Add(attempt);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WebhookDelivery>> ListAsync(WebhookDeliveryStatus? status, Guid? incidentId, string? clientId, int take, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WebhookDelivery>>([.. Deliveries]);

    public Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(IReadOnlyCollection<Guid> deliveryIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WebhookAttempt>>([.. Attempts.Where(a => deliveryIds.Contains(a.DeliveryId))]);

    public Task<AuditEntry?> LastAsync(CancellationToken cancellationToken) => Task.FromResult(Audit.LastOrDefault());

    public Task<bool> TryAppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        Audit.Add(entry);
        return Task.FromResult(true);
    }

    public async IAsyncEnumerable<AuditEntry> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var entry in Audit)
        {
            await Task.Yield();
            yield return entry;
        }
    }

    public Task<IReadOnlyList<AuditEntry>> ListForTargetAsync(string targetType, string targetId, int take, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AuditEntry>>([.. Audit.Where(a => a.TargetType == targetType && a.TargetId == targetId).Take(take)]);

    /// <summary>Stored copies, as a database would hand out: the caller's changes do not leak in.</summary>
    private static Incident Copy(Incident i) => new()
    {
        Id = i.Id, Title = i.Title, Status = i.Status, RuleId = i.RuleId, Targets = i.Targets, OpenKey = i.OpenKey, OrganizationId = i.OrganizationId,
        AccountId = i.AccountId, Description = i.Description, CallbackNumber = i.CallbackNumber, TraceIds = i.TraceIds, DataPoints = i.DataPoints,
        AssignedTo = i.AssignedTo, CreatedAt = i.CreatedAt, UpdatedAt = i.UpdatedAt, ResolvedAt = i.ResolvedAt, NotifiedAt = i.NotifiedAt,
        AttachedCount = i.AttachedCount, Version = i.Version, HasScreenshot = i.HasScreenshot,
    };
}

/// <summary>Data points without a database: just the trace IDs.</summary>
public sealed class TraceOnlyFactsCollector : IIncidentFactsCollector
{
    public Task<Signpost.Core.Troubleshooting.IncidentDataPoints> CollectAsync(Guid? accountId, Guid? organizationId, IReadOnlyList<string> traceIds, CancellationToken cancellationToken) =>
        Task.FromResult(Signpost.Core.Troubleshooting.IncidentDataPoints.Bare(null, traceIds));
}

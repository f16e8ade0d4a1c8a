using System.Text.Json;
using Microsoft.Extensions.Options;
using Signpost.Core.Audit;
using Signpost.Core.Escalation;
using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Core.Telemetry;

namespace Signpost.Core.Incidents;

public enum RaiseOutcome
{
    /// <summary>A new incident was opened for the firing.</summary>
    Raised,

    /// <summary>An open incident for the same rule and subject existed; the firing joined it.</summary>
    Joined,

    /// <summary>The same firing (rule + subject + window) was stored before: nothing changed.</summary>
    AlreadyFired,
}

public sealed record RaiseResult(RaiseOutcome Outcome, Incident? Incident);

public enum IncidentWriteStatus
{
    Done,
    Invalid,
    NotFound,

    /// <summary>Someone changed the incident since the caller read it (optimistic concurrency).</summary>
    Conflict,
}

public sealed record IncidentWriteResult(IncidentWriteStatus Status, Incident? Incident, IReadOnlyList<string> Problems)
{
    public static IncidentWriteResult Invalid(params string[] problems) => new(IncidentWriteStatus.Invalid, null, problems);
}

/// <summary>
/// Opens, joins and changes incidents. Every change that the ticketing system should see queues a
/// webhook delivery in the same store call sequence; emails are owed until the delivery job marks them sent.
/// </summary>
public sealed class IncidentService(
    IIncidentStore store,
    IWebhookDeliveryStore webhooks,
    IIncidentFactsCollector facts,
    AuditTrail audit,
    IOptionsMonitor<WebhookOptions> webhook,
    TimeProvider time,
    SignpostMetrics? metrics = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Stores a rule's firing with its evidence and opens its incident, or joins the open one with the
    /// same rule and subject. Safe to call twice with the same facts and from several nodes: the firing key
    /// and the open incident key are unique in the database.
    /// </summary>
    /// <param name="firing">What fired.</param>
    /// <param name="triggerTraceId">The event whose evaluation fired it, if any.</param>
    /// <param name="alreadyEmailed">True when the rule's own sender emailed the target (the lock rule); only the webhook is owed.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public async Task<RaiseResult> RaiseAsync(RuleFiring firing, string? triggerTraceId, bool alreadyEmailed, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = new EscalationFiring
        {
            Key = Cut(firing.Key, EscalationFiring.MaxKeyLength),
            RuleId = firing.RuleId,
            Subject = firing.Subject,
            WindowStart = firing.WindowStart,
            FiredAt = now,
            TriggerTraceId = triggerTraceId,
            Explanation = firing.Explanation,
            Evidence = JsonSerializer.Serialize(firing.Evidence, Json),
        };
        if (!await store.TryAddFiringAsync(record, cancellationToken))
        {
            return new RaiseResult(RaiseOutcome.AlreadyFired, null);
        }

        var traceIds = firing.Evidence.Select(e => e.TraceId).Distinct(StringComparer.Ordinal).Take(Incident.MaxTraceIds).ToList();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await store.FindOpenAsync(firing.IncidentKey, cancellationToken) is { } open)
            {
                await store.SetFiringIncidentAsync(record.Key, open.Id, cancellationToken);
                foreach (var evidence in firing.Evidence)
                {
                    await AttachAsync(open, evidence.TraceId, firing.AccountId, evidence.ReasonCode, evidence.At, cancellationToken);
                }

                return new RaiseResult(RaiseOutcome.Joined, open);
            }

            var data = await facts.CollectAsync(firing.AccountId, firing.OrganizationId, traceIds, cancellationToken);
            var incident = new Incident
            {
                Title = firing.Title,
                Status = IncidentStatus.Escalated,
                RuleId = firing.RuleId,
                Targets = string.Join(',', firing.Targets),
                OpenKey = firing.IncidentKey,
                OrganizationId = firing.OrganizationId,
                AccountId = firing.AccountId,
                Description = firing.Explanation,
                TraceIds = string.Join(' ', traceIds),
                DataPoints = JsonSerializer.Serialize(data, Json),
                CreatedAt = now,
                UpdatedAt = now,
                NotifiedAt = alreadyEmailed ? now : null,
            };
            if (await store.TryAddAsync(incident, null, cancellationToken))
            {
                await store.SetFiringIncidentAsync(record.Key, incident.Id, cancellationToken);
                await QueueWebhookAsync("incident.created", incident, cancellationToken);
                metrics?.IncidentOpened("rule", firing.RuleId);
                return new RaiseResult(RaiseOutcome.Raised, incident);
            }

            // Another node opened it a moment earlier: join that one.
        }

        throw new InvalidOperationException($"Could neither open nor find the open incident {firing.IncidentKey}.");
    }

    /// <summary>Attaches a later failure to the open incident with this key; false when none is open or it was attached already.</summary>
    public async Task<Incident?> AttachToOpenAsync(string openKey, SignInEvent failure, CancellationToken cancellationToken)
    {
        if (await store.FindOpenAsync(openKey, cancellationToken) is not { } open)
        {
            return null;
        }

        await AttachAsync(open, failure.TraceId, failure.AccountId, failure.ReasonCode, failure.OccurredAt, cancellationToken);
        return open;
    }

    private Task<bool> AttachAsync(Incident incident, string traceId, Guid? accountId, string reasonCode, DateTimeOffset at, CancellationToken cancellationToken) =>
        incident.TraceIdList.Contains(traceId, StringComparer.Ordinal)
            ? Task.FromResult(false)
            : store.TryAttachAsync(new IncidentAttachment { IncidentId = incident.Id, TraceId = traceId, AccountId = accountId, ReasonCode = reasonCode, At = at }, cancellationToken);

    /// <summary>A person asks for help: validated, stored as text, owed to payer support by email and webhook.</summary>
    public async Task<IncidentWriteResult> AskForHelpAsync(HelpRequest request, AuditActor actor, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var description = request.Description is null ? null : IncidentInput.Clean(request.Description).Trim();
        if (string.IsNullOrEmpty(description))
        {
            problems.Add("Describe what happened.");
        }
        else if (description.Length > Incident.MaxDescriptionLength)
        {
            problems.Add($"The description may be at most {Incident.MaxDescriptionLength} characters.");
        }

        var title = request.Title is null ? null : IncidentInput.Clean(request.Title).Trim();
        if (title is { Length: > Incident.MaxTitleLength })
        {
            problems.Add($"The title may be at most {Incident.MaxTitleLength} characters.");
        }

        var callback = request.CallbackNumber?.Trim();
        if (!string.IsNullOrEmpty(callback) && !IncidentInput.IsCallbackNumber(callback))
        {
            problems.Add("The call-back number is not a phone number (7 to 15 digits, optionally + and an extension).");
        }

        if (request.TraceIds.Count > Incident.MaxTraceIds)
        {
            problems.Add($"At most {Incident.MaxTraceIds} trace IDs.");
        }

        var traceIds = request.TraceIds.Select(t => t.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        if (traceIds.Any(t => !IncidentInput.IsTraceId(t)))
        {
            problems.Add("A trace ID is 32 hexadecimal characters, as shown on the failure page.");
        }

        IncidentScreenshot? screenshot = null;
        if (request.Screenshot is { } bytes)
        {
            if (bytes.Length > IncidentScreenshot.MaxBytes)
            {
                problems.Add("The screenshot may be at most 2 MB.");
            }
            else if (IncidentInput.ImageType(bytes) is not { } type)
            {
                problems.Add("The screenshot must be a PNG or JPEG image.");
            }
            else
            {
                screenshot = new IncidentScreenshot { ContentType = type, Bytes = bytes };
            }
        }

        if (problems.Count > 0)
        {
            return IncidentWriteResult.Invalid([.. problems]);
        }

        var now = time.GetUtcNow();
        var data = await facts.CollectAsync(request.AccountId, request.OrganizationId, traceIds, cancellationToken);
        var incident = new Incident
        {
            Title = string.IsNullOrEmpty(title) ? "Help requested: cannot sign in" : title,
            Status = IncidentStatus.Open,
            Targets = nameof(EscalationTarget.PayerSupport),
            OrganizationId = request.OrganizationId,
            AccountId = request.AccountId,
            Description = description,
            CallbackNumber = string.IsNullOrEmpty(callback) ? null : callback,
            TraceIds = string.Join(' ', traceIds),
            DataPoints = JsonSerializer.Serialize(data, Json),
            CreatedAt = now,
            UpdatedAt = now,
            HasScreenshot = screenshot is not null,
        };
        if (screenshot is not null)
        {
            screenshot.IncidentId = incident.Id;
        }

        if (!await store.TryAddAsync(incident, screenshot, cancellationToken))
        {
            // No open key, so no race to lose: the database refused the row for another reason.
            throw new InvalidOperationException($"Incident {incident.Id} could not be stored.");
        }

        await audit.RecordAsync(actor, new AuditRecord("incident.create", "incident", incident.Id.ToString(), incident.OrganizationId, null,
            new { incident.Title, incident.AccountId, TraceIds = traceIds.Count, Screenshot = screenshot is not null }), cancellationToken);
        await QueueWebhookAsync("incident.created", incident, cancellationToken);
        metrics?.IncidentOpened("help_request", null);
        return new IncidentWriteResult(IncidentWriteStatus.Done, incident, []);
    }

    /// <summary>Changes status, assignee or adds a note, if nobody changed the incident since <paramref name="expectedVersion"/>. Audited.</summary>
    public async Task<IncidentWriteResult> UpdateAsync(Guid id, int expectedVersion, IncidentChange change, AuditActor actor, CancellationToken cancellationToken)
    {
        var assignee = change.AssignedTo is null ? null : IncidentInput.Clean(change.AssignedTo).Trim();
        var note = change.Note is null ? null : IncidentInput.Clean(change.Note).Trim();
        if (assignee is { Length: > Incident.MaxAssigneeLength })
        {
            return IncidentWriteResult.Invalid($"The assignee may be at most {Incident.MaxAssigneeLength} characters.");
        }

        if (note is { Length: > IncidentNote.MaxTextLength })
        {
            return IncidentWriteResult.Invalid($"A note may be at most {IncidentNote.MaxTextLength} characters.");
        }

        if (change.Status is null && change.AssignedTo is null && string.IsNullOrEmpty(note))
        {
            return IncidentWriteResult.Invalid("Nothing to change: give a status, an assignee or a note.");
        }

        if (await store.FindAsync(id, cancellationToken) is not { } incident)
        {
            return new IncidentWriteResult(IncidentWriteStatus.NotFound, null, []);
        }

        if (incident.Version != expectedVersion)
        {
            return new IncidentWriteResult(IncidentWriteStatus.Conflict, incident, []);
        }

        var before = new { Status = incident.Status.ToString(), incident.AssignedTo };
        var now = time.GetUtcNow();
        if (change.Status is { } status && status != incident.Status)
        {
            incident.Status = status;
            incident.ResolvedAt = status == IncidentStatus.Resolved ? now : null;

            // A resolved incident frees its key: the next SSO failures after a fix open a fresh incident.
            // Reopening does not take the key back, since another incident may hold it by then.
            if (status == IncidentStatus.Resolved)
            {
                incident.OpenKey = null;
            }
        }

        if (assignee is not null)
        {
            incident.AssignedTo = assignee.Length == 0 ? null : assignee;
        }

        incident.UpdatedAt = now;
        var added = string.IsNullOrEmpty(note) ? null : new IncidentNote { IncidentId = id, At = now, Author = actor.Name, Text = note };
        if (!await store.TryUpdateAsync(incident, expectedVersion, added, cancellationToken))
        {
            return new IncidentWriteResult(IncidentWriteStatus.Conflict, await store.FindAsync(id, cancellationToken), []);
        }

        incident.Version = expectedVersion + 1;
        await audit.RecordAsync(actor, new AuditRecord("incident.update", "incident", id.ToString(), incident.OrganizationId, before,
            new { Status = incident.Status.ToString(), incident.AssignedTo, Note = added is not null }), cancellationToken);
        await QueueWebhookAsync(change.Status == IncidentStatus.Resolved ? "incident.resolved" : "incident.updated", incident, cancellationToken);
        return new IncidentWriteResult(IncidentWriteStatus.Done, incident, []);
    }

    /// <summary>Queues the ticketing webhook's message when a webhook is configured; the delivery job sends it.</summary>
    private async Task QueueWebhookAsync(string type, Incident incident, CancellationToken cancellationToken)
    {
        if (!webhook.CurrentValue.Enabled)
        {
            return;
        }

        var now = time.GetUtcNow();
        var delivery = new WebhookDelivery
        {
            IncidentId = incident.Id,
            EventType = type,
            Payload = "",
            CreatedAt = now,
            NextAttemptAt = now,
        };
        delivery.Payload = WebhookPayload.Serialize(delivery.Id, type, now, incident);
        await webhooks.EnqueueAsync(delivery, cancellationToken);
    }

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}

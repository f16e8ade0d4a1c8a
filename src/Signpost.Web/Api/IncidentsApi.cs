using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Signpost.Core.Accounts;
using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Api;

/// <summary>
/// <c>/api/v1/incidents</c>: list, read, create and update incidents (docs/design.md §6, §8). Support agents and
/// platform admins see every incident; a practice admin only those of the practices they administer —
/// anyone else's reads as 404 and is audited as a refusal, so a guessed ID confirms nothing.
/// </summary>
public static class IncidentsApi
{
    /// <summary>A 2 MB screenshot in base64 plus the text fields.</summary>
    public const int MaxCreateBodyBytes = 3 * 1024 * 1024;

    public const int MaxUpdateBodyBytes = 16 * 1024;

    public sealed record IncidentSummary(
        Guid Id, string Title, string Status, string? RuleId, IReadOnlyList<string> Targets, Guid? OrganizationId, Guid? AccountId,
        string? AssignedTo, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ResolvedAt, int AttachedCount, int Version);

    public sealed record NoteView(DateTimeOffset At, string Author, string Text);

    public sealed record FiringView(string RuleId, DateTimeOffset FiredAt, DateTimeOffset WindowStart, string? TriggerTraceId, string Explanation, JsonElement Evidence);

    public sealed record AttachmentView(string TraceId, Guid? AccountId, string ReasonCode, DateTimeOffset At);

    public sealed record IncidentDetail(
        IncidentSummary Incident, string? Description, string? CallbackNumber, IReadOnlyList<string> TraceIds, JsonElement DataPoints,
        bool HasScreenshot, IReadOnlyList<NoteView> Notes, IReadOnlyList<FiringView> Firings, IReadOnlyList<AttachmentView> Attachments);

    /// <summary>The create body (see docs/incidents.md); <c>screenshot</c> is base64 PNG or JPEG.</summary>
    public sealed record CreateBody(string Description, string? Title, string? CallbackNumber, IReadOnlyList<string>? TraceIds, Guid? AccountId, Guid? OrganizationId, string? Screenshot);

    /// <summary>The update body: <c>version</c> as read, then any of status, assignee, note.</summary>
    public sealed record UpdateBody(int Version, string? Status, string? AssignedTo, string? Note);

    public static RouteGroupBuilder MapIncidentsApi(this RouteGroupBuilder api)
    {
        var incidents = api.MapGroup("/incidents").RequireAuthorization();
        incidents.MapGet("/", ListAsync)
            .WithName("ListIncidents")
            .WithSummary("Incidents, newest first, filtered by status, organization, account, rule, assignee and creation time")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        incidents.MapGet("/{id}", GetAsync)
            .WithName("GetIncident")
            .WithSummary("One incident with its data points, notes, rule firings (with evidence) and attached failures")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        incidents.MapGet("/{id}/screenshot", ScreenshotAsync)
            .WithName("GetIncidentScreenshot")
            .WithSummary("The screenshot attached to an incident, as uploaded (PNG or JPEG)")
            .Produces<Stream>(StatusCodes.Status200OK, "image/png", "image/jpeg")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        incidents.MapPost("/", CreateAsync)
            .WithName("CreateIncident")
            .WithSummary("Ask for help: open an incident with a description, call-back number, trace IDs and an optional screenshot")
            .AddOpenApiOperationTransformer(JsonBody.Describes<CreateBody>())
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        incidents.MapPatch("/{id}", UpdateAsync)
            .WithName("UpdateIncident")
            .WithSummary("Change status (open, escalated, resolved), assignee, or add a note; give the version you read")
            .AddOpenApiOperationTransformer(JsonBody.Describes<UpdateBody>())
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return api;
    }

    private static bool SeesAll(AdminScope scope) => scope.IsSupportAgent || scope.IsPlatformAdmin;

    private static async Task<Results<Ok<List<IncidentSummary>>, ApiProblem>> ListAsync(HttpContext context, AdminScope scope, IIncidentStore store, CancellationToken cancellationToken)
    {
        var q = context.Request.Query;
        IReadOnlyCollection<Guid>? organizations = null;
        if (!SeesAll(scope))
        {
            organizations = [.. (await scope.AdministeredOrganizationsAsync(cancellationToken)).Select(o => o.Id)];
            if (organizations.Count == 0)
            {
                await scope.RefuseAsync("incident.list", "incident", null, null, "Neither support nor a practice administrator.", cancellationToken);
                return new ApiProblem(StatusCodes.Status403Forbidden, "forbidden", "Not allowed", "Incidents are for support, platform admins and practice administrators.");
            }
        }

        IncidentStatus? status = null;
        if (q.TryGetValue("status", out var statusText) && !TryStatus(statusText, out status))
        {
            return Invalid("status must be open, escalated or resolved.");
        }

        if (!TryGuid(q, "organizationId", out var organizationId) || !TryGuid(q, "accountId", out var accountId))
        {
            return Invalid("organizationId and accountId are GUIDs.");
        }

        if (!TryTime(q, "from", out var from) || !TryTime(q, "to", out var to))
        {
            return Invalid("from and to are ISO 8601 times, e.g. 2026-11-28T00:00:00Z.");
        }

        var take = 50;
        if (q.TryGetValue("take", out var takeText) && (!int.TryParse(takeText, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > 500))
        {
            return Invalid("take is a whole number from 1 to 500.");
        }

        var list = await store.ListAsync(new IncidentQuery
        {
            Status = status,
            OrganizationId = organizationId,
            AccountId = accountId,
            RuleId = Short(q["ruleId"]),
            AssignedTo = Short(q["assignedTo"]),
            CreatedFrom = from,
            CreatedTo = to,
            OrganizationIds = organizations,
            Take = take,
        }, cancellationToken);
        return TypedResults.Ok(list.Select(Summary).ToList());
    }

    private static async Task<Results<Ok<IncidentDetail>, ApiProblem>> GetAsync(
        string id, AdminScope scope, AudienceProjection projection, IIncidentStore store, CancellationToken cancellationToken)
    {
        var (incident, refusal) = await FindVisibleAsync(id, "incident.read", scope, store, cancellationToken);
        return incident is null ? refusal! : TypedResults.Ok(await DetailAsync(incident, scope, projection, store, cancellationToken));
    }

    private static async Task<Results<FileContentHttpResult, ApiProblem>> ScreenshotAsync(string id, HttpContext context, AdminScope scope, IIncidentStore store, CancellationToken cancellationToken)
    {
        var (incident, refusal) = await FindVisibleAsync(id, "incident.screenshot", scope, store, cancellationToken);
        if (incident is null)
        {
            return refusal!;
        }

        if (await store.FindScreenshotAsync(incident.Id, cancellationToken) is not { } screenshot)
        {
            return new ApiProblem(StatusCodes.Status404NotFound, "not_found", "No screenshot", "This incident has no screenshot.");
        }

        // Served as a download of the type its bytes proved, never sniffed into something the browser runs.
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(screenshot.Bytes, screenshot.ContentType, $"incident-{incident.Id:N}{(screenshot.ContentType == "image/png" ? ".png" : ".jpg")}");
    }

    private const string CreateRule = "The body must be a JSON object with \"description\" (text), and optionally \"title\", \"callbackNumber\", \"traceIds\" (array of trace IDs), \"accountId\", \"organizationId\" and \"screenshot\" (base64 PNG or JPEG, at most 2 MB).";

    private static async Task<Results<Created<IncidentDetail>, ApiProblem>> CreateAsync(
        HttpContext context, AdminScope scope, AudienceProjection projection, IncidentService incidents, IIncidentStore store, ISignInEventStore events, AuditActors actors,
        CancellationToken cancellationToken)
    {
        var (root, rejection) = await JsonBody.ParseObjectAsync(context, MaxCreateBodyBytes, CreateRule);
        if (rejection is not null)
        {
            return ApiProblem.From(rejection);
        }

        // The body is detached from its document (JsonBody): nothing to dispose.
        {
            if (!JsonBody.TryString(root, "description", out var description) || !JsonBody.TryString(root, "title", out var title)
                || !JsonBody.TryString(root, "callbackNumber", out var callback) || !JsonBody.TryString(root, "screenshot", out var screenshotText)
                || !JsonBody.TryString(root, "accountId", out var accountText) || !JsonBody.TryString(root, "organizationId", out var organizationText))
            {
                return Invalid(CreateRule);
            }

            Guid? accountId = null, organizationId = null;
            if ((accountText is not null && !TryParseGuid(accountText, out accountId)) || (organizationText is not null && !TryParseGuid(organizationText, out organizationId)))
            {
                return Invalid("accountId and organizationId are GUIDs.");
            }

            var traceIds = new List<string>();
            if (root.TryGetProperty("traceIds", out var traceArray) && traceArray.ValueKind != JsonValueKind.Null)
            {
                if (traceArray.ValueKind != JsonValueKind.Array || traceArray.GetArrayLength() > Incident.MaxTraceIds || traceArray.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
                {
                    return Invalid($"traceIds is an array of at most {Incident.MaxTraceIds} trace IDs.");
                }

                traceIds.AddRange(traceArray.EnumerateArray().Select(t => t.GetString()!));
            }

            byte[]? screenshot = null;
            if (screenshotText is not null)
            {
                screenshot = new byte[screenshotText.Length * 3 / 4 + 3];
                if (!Convert.TryFromBase64String(screenshotText, screenshot, out var length))
                {
                    return Invalid("screenshot is base64-encoded PNG or JPEG bytes.");
                }

                screenshot = screenshot[..length];
            }

            // Who may open an incident for whom: support for anyone, a practice admin for their practices, anyone else for themselves.
            if (!SeesAll(scope))
            {
                if (organizationId is { } org && await scope.CanAdministerAsync(org, cancellationToken))
                {
                    // A practice admin opening one for their practice (and, if named, one of its accounts).
                    if (accountId is { } target && !await scope.CanAdministerAccountAsync(target, cancellationToken))
                    {
                        await scope.RefuseAsync("incident.create", "account", target.ToString(), org, "The account is not in a practice this person administers.", cancellationToken);
                        return new ApiProblem(StatusCodes.Status404NotFound, "not_found", "No such account", "No account with this ID in your practices.");
                    }
                }
                else if (organizationId is not null)
                {
                    await scope.RefuseAsync("incident.create", "organization", organizationId.ToString(), organizationId, "Not an administrator of this practice.", cancellationToken);
                    return new ApiProblem(StatusCodes.Status404NotFound, "not_found", "No such organization", "No organization with this ID among yours.");
                }
                else
                {
                    accountId = scope.AccountId;
                }
            }

            // Only attempts inside the caller's scope (docs/security.md): an incident copies the attempts' facts
            // into its data points, which the practice's administrators read back.
            if (await OutOfScopeTraceAsync(traceIds, scope, events, cancellationToken) is { } refused)
            {
                await scope.RefuseAsync("incident.create", "trace", refused.Typed, refused.OrganizationId,
                    "The trace ID names no attempt the caller may read.", cancellationToken);
                return new ApiProblem(StatusCodes.Status404NotFound, "not_found", "No such trace ID",
                    $"No attempt among those you may see has the trace ID {refused.Shown}.");
            }

            var result = await incidents.AskForHelpAsync(new HelpRequest
            {
                Title = title,
                Description = description,
                CallbackNumber = callback,
                TraceIds = traceIds,
                AccountId = accountId,
                OrganizationId = organizationId,
                Screenshot = screenshot,
            }, actors.Current, cancellationToken);
            if (result.Status != IncidentWriteStatus.Done)
            {
                return ProblemWithErrors("invalid_request", "Invalid incident", result.Problems);
            }

            var created = result.Incident!;
            return TypedResults.Created($"/api/v1/incidents/{created.Id}", await DetailAsync(created, scope, projection, store, cancellationToken));
        }
    }

    private const string UpdateRule = "The body must be a JSON object with \"version\" (the version you read) and any of \"status\" (open, escalated, resolved), \"assignedTo\" (\"\" unassigns) and \"note\".";

    private static async Task<Results<Ok<IncidentDetail>, ApiProblem>> UpdateAsync(
        string id, HttpContext context, AdminScope scope, AudienceProjection projection, IncidentService incidents, IIncidentStore store, AuditActors actors,
        CancellationToken cancellationToken)
    {
        var (incident, refusal) = await FindVisibleAsync(id, "incident.update", scope, store, cancellationToken);
        if (incident is null)
        {
            return refusal!;
        }

        var (root, rejection) = await JsonBody.ParseObjectAsync(context, MaxUpdateBodyBytes, UpdateRule);
        if (rejection is not null)
        {
            return ApiProblem.From(rejection);
        }

        // The body is detached from its document (JsonBody): nothing to dispose.
        {
            if (!root.TryGetProperty("version", out var versionElement) || versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt32(out var version)
                || !JsonBody.TryString(root, "status", out var statusText) || !JsonBody.TryString(root, "assignedTo", out var assignee) || !JsonBody.TryString(root, "note", out var note))
            {
                return Invalid(UpdateRule);
            }

            IncidentStatus? status = null;
            if (statusText is not null && !TryStatus(statusText, out status))
            {
                return Invalid("status must be open, escalated or resolved.");
            }

            var result = await incidents.UpdateAsync(incident.Id, version, new IncidentChange { Status = status, AssignedTo = assignee, Note = note }, actors.Current, cancellationToken);
            switch (result.Status)
            {
                case IncidentWriteStatus.Invalid:
                    return ProblemWithErrors("invalid_request", "Invalid change", result.Problems);
                case IncidentWriteStatus.NotFound:
                    return new ApiProblem(StatusCodes.Status404NotFound, "not_found", "No such incident", "No incident has this ID.");
                case IncidentWriteStatus.Conflict:
                    var currentVersion = result.Incident?.Version;
                    return ProblemWithErrors("conflict", "Changed by someone else", ["The incident changed since you read it. Read it again and reapply your change."],
                        StatusCodes.Status409Conflict, problem => problem.Extensions["currentVersion"] = currentVersion);
            }

            return TypedResults.Ok(await DetailAsync((await store.FindAsync(incident.Id, cancellationToken))!, scope, projection, store, cancellationToken));
        }
    }

    /// <summary>The incident when the caller may see it; otherwise a 404 problem (audited when it exists but is out of scope).</summary>
    private static async Task<(Incident? Incident, ApiProblem? Refusal)> FindVisibleAsync(
        string id, string attempted, AdminScope scope, IIncidentStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var incidentId))
        {
            return (null, new ApiProblem(StatusCodes.Status400BadRequest, "invalid_incident_id", "Not an incident ID", "An incident ID is a GUID."));
        }

        var incident = await store.FindAsync(incidentId, cancellationToken);
        if (incident is not null && !await scope.CanSeeIncidentAsync(incident, cancellationToken))
        {
            await scope.RefuseAsync(attempted, "incident", id, incident.OrganizationId, "The incident is not of a practice this person administers.", cancellationToken);
            incident = null;
        }

        return incident is null
            ? (null, new ApiProblem(StatusCodes.Status404NotFound, "not_found", "No such incident", "No incident with this ID among those you may see."))
            : (incident, null);
    }

    private static IncidentSummary Summary(Incident i) => new(
        i.Id, i.Title, i.Status.ToString().ToLowerInvariant(), i.RuleId, i.Targets.Split(',', StringSplitOptions.RemoveEmptyEntries), i.OrganizationId, i.AccountId,
        i.AssignedTo, i.CreatedAt, i.UpdatedAt, i.ResolvedAt, i.AttachedCount, i.Version);

    /// <summary>
    /// The first trace ID that is malformed, unknown or outside the caller's scope: support and platform
    /// admins may name any attempt; a practice administrator attempts <see cref="AdminScope.CanSeeTraceAsync"/>
    /// allows; anyone else only their own attempts.
    /// </summary>
    private static async Task<(string Typed, string Shown, Guid? OrganizationId)?> OutOfScopeTraceAsync(
        IReadOnlyList<string> traceIds, AdminScope scope, ISignInEventStore events, CancellationToken cancellationToken)
    {
        if (SeesAll(scope))
        {
            return null;
        }

        foreach (var typed in traceIds)
        {
            var normalized = typed.Trim().ToLowerInvariant();
            var attempt = TraceIds.IsWellFormed(normalized) ? await events.FindByTraceIdAsync(normalized, cancellationToken) : null;
            var inScope = attempt is not null
                && ((attempt.AccountId is { } owner && owner == scope.AccountId) || await scope.CanSeeTraceAsync(attempt, cancellationToken));
            if (!inScope)
            {
                var shown = normalized.Length > 32 ? normalized[..32] + "…" : normalized;
                return (typed, shown, attempt?.OrganizationId);
            }
        }

        return null;
    }

    private static async Task<IncidentDetail> DetailAsync(Incident incident, AdminScope scope, AudienceProjection projection, IIncidentStore store, CancellationToken cancellationToken)
    {
        // Data points and rule evidence were collected for support; every other reader gets them through the projection.
        var read = await projection.IncidentReaderAsync(incident, await scope.AudienceAsync(cancellationToken), cancellationToken);
        var notes = await store.ListNotesAsync(incident.Id, cancellationToken);
        var firings = await store.ListFiringsAsync(incident.Id, cancellationToken);
        var attachments = await store.ListAttachmentsAsync(incident.Id, 200, cancellationToken);
        return new IncidentDetail(Summary(incident), incident.Description, incident.CallbackNumber, incident.TraceIdList, read(incident.DataPoints), incident.HasScreenshot,
            [.. notes.Select(n => new NoteView(n.At, n.Author, n.Text))],
            [.. firings.Select(f => new FiringView(f.RuleId, f.FiredAt, f.WindowStart, f.TriggerTraceId, f.Explanation, read(f.Evidence)))],
            [.. attachments.Select(a => new AttachmentView(a.TraceId, a.AccountId, a.ReasonCode, a.At))]);
    }

    /// <summary>The service's refusal with each problem listed under <c>errors</c> (these problems carry no <c>time</c>).</summary>
    private static ApiProblem ProblemWithErrors(
        string code, string title, IReadOnlyList<string> errors, int status = StatusCodes.Status400BadRequest, Action<Microsoft.AspNetCore.Mvc.ProblemDetails>? extend = null) =>
        ApiProblem.Built(status, code, context =>
        {
            var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Type = "about:blank", Title = title, Status = status, Detail = string.Join(" ", errors), Instance = context.Request.Path };
            problem.Extensions["code"] = code;
            problem.Extensions["traceId"] = context.GetTraceId();
            problem.Extensions["errors"] = errors;
            extend?.Invoke(problem);
            return problem;
        });

    private static ApiProblem Invalid(string detail) => new(StatusCodes.Status400BadRequest, "invalid_request", "Invalid request", detail);

    private static bool TryStatus(string? text, out IncidentStatus? status)
    {
        status = text?.Trim().ToLowerInvariant() switch
        {
            "open" => IncidentStatus.Open,
            "escalated" => IncidentStatus.Escalated,
            "resolved" => IncidentStatus.Resolved,
            _ => null,
        };
        return status is not null;
    }

    private static bool TryParseGuid(string text, out Guid? value)
    {
        value = Guid.TryParse(text, out var id) ? id : null;
        return value is not null;
    }

    private static bool TryGuid(IQueryCollection query, string name, out Guid? value)
    {
        value = null;
        return !query.TryGetValue(name, out var text) || TryParseGuid(text.ToString(), out value);
    }

    private static bool TryTime(IQueryCollection query, string name, out DateTimeOffset? value)
    {
        value = null;
        if (!query.TryGetValue(name, out var text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    private static string? Short(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Length > 256 ? value[..256] : value.Trim();
}

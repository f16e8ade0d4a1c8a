using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Signpost.Core.Events;
using Signpost.Core.Troubleshooting;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Api;

/// <summary>
/// The troubleshooter over HTTP (docs/design.md §5, §8): <c>GET /api/v1/diagnoses/{traceId}</c> and
/// <c>GET /api/v1/accounts/{id}/diagnosis</c>. Payer support and platform admins may diagnose anything; a
/// practice administrator only attempts and accounts of a practice they administer (<see cref="AdminScope"/>),
/// read through <see cref="AudienceProjection"/>: never whether a password was right, never other
/// practices' names, ranges or addresses, never client addresses. A refused target is answered exactly like a missing one (404) and
/// audited, so guessed IDs confirm nothing. Bad input is a 400 with a <c>code</c>, never a 500.
/// </summary>
public static class DiagnosesApi
{
    /// <summary>An escalation with its targets named, for JSON readers.</summary>
    public sealed record EscalationView(bool Escalate, IReadOnlyList<string> Targets, string? RuleId, string Explanation, string? When);

    /// <summary>The diagnosis as the API returns it: the root cause with its help URL, and every step's evidence.</summary>
    public sealed record DiagnosisView(
        string Subject,
        string? TraceId,
        Guid? AccountId,
        string? Username,
        DateTimeOffset DiagnosedAt,
        DateTimeOffset From,
        DateTimeOffset To,
        EventsApi.ReasonView? RootCause,
        string ImmediateAction,
        EscalationView Escalation,
        IReadOnlyList<StepResult> Steps,
        SignInEvent? Focus,
        IncidentDataPoints Incident);

    public static RouteGroupBuilder MapDiagnosesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/diagnoses/{traceId}", ForTraceAsync)
            .WithName("DiagnoseTrace")
            .WithSummary("Run the troubleshooter on the attempt behind a trace ID")
            .WithDescription("Eight steps with status and evidence, the root cause, the immediate action and the escalation. Support agents and platform admins; practice admins for attempts on accounts of their practice.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization();
        api.MapGet("/accounts/{id}/diagnosis", ForAccountAsync)
            .WithName("DiagnoseAccount")
            .WithSummary("Run the troubleshooter on an account over a time range")
            .WithDescription("`from` and `to` are ISO 8601 instants (default: the last 24 hours; at most 31 days). Support agents and platform admins; practice admins for accounts of their practice.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization();
        return api;
    }

    private static async Task<Results<Ok<DiagnosisView>, ApiProblem>> ForTraceAsync(
        string traceId, HttpContext context, Troubleshooter troubleshooter, AdminScope scope, AudienceProjection projection, ISignInEventStore events,
        CancellationToken cancellationToken)
    {
        if (!Troubleshooter.TryNormalizeTraceId(traceId, out var id))
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_trace_id", "Not a trace ID",
                "A trace ID is 32 hexadecimal characters, as shown on the failure page.");
        }

        var audience = await scope.AudienceAsync(cancellationToken);
        if (audience == Audience.TraceHolder)
        {
            return Forbidden();
        }

        // Read once: the tenant check and the diagnosis share the attempt (docs/troubleshooter.md, "What one diagnosis reads").
        var found = await events.FindByTraceIdAsync(id, cancellationToken);
        if (found is null)
        {
            return TraceNotFound();
        }

        if (!await scope.CanSeeTraceAsync(found, cancellationToken))
        {
            await scope.RefuseAsync("diagnosis.read", "trace", id, found.OrganizationId, "The attempt is not on an account of a practice the caller administers, or was made at another practice.", cancellationToken);
            return TraceNotFound();
        }

        var result = await troubleshooter.DiagnoseEventAsync(found, TroubleshooterAudience(audience), cancellationToken);
        return result.Status switch
        {
            DiagnosisStatus.Diagnosed => TypedResults.Ok(View(context, await projection.DiagnosisAsync(result.Diagnosis!, audience, cancellationToken))),
            _ => TraceNotFound(),
        };
    }

    private static async Task<Results<Ok<DiagnosisView>, ApiProblem>> ForAccountAsync(
        string id, string? from, string? to, HttpContext context, Troubleshooter troubleshooter, AdminScope scope, AudienceProjection projection,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var accountId))
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_account_id", "Not an account ID",
                "An account ID is a GUID, for example 3f2504e0-4f89-11d3-9a0c-0305e82c3301.");
        }

        if (!TryParseInstant(from, out var start) || !TryParseInstant(to, out var end))
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_range", "Not a time range",
                "from and to are ISO 8601 instants, for example 2026-03-02T09:00:00Z.");
        }

        var audience = await scope.AudienceAsync(cancellationToken);
        if (audience == Audience.TraceHolder)
        {
            return Forbidden();
        }

        if (audience == Audience.PracticeAdmin && !await scope.CanAdministerAccountAsync(accountId, cancellationToken))
        {
            await scope.RefuseAsync("diagnosis.read", "account", id, null, "The account is not in a practice the caller administers.", cancellationToken);
            return AccountNotFound();
        }

        var result = await troubleshooter.DiagnoseAccountAsync(accountId, start, end, TroubleshooterAudience(audience), cancellationToken);
        return result.Status switch
        {
            DiagnosisStatus.Diagnosed => TypedResults.Ok(View(context, await projection.DiagnosisAsync(result.Diagnosis!, audience, cancellationToken))),
            DiagnosisStatus.InvalidRange => Problem(StatusCodes.Status400BadRequest, "invalid_range", "Not a usable time range", result.Message),
            _ => AccountNotFound(),
        };
    }

    /// <summary>The troubleshooter leaves support-only checks out for a practice admin; <see cref="AudienceProjection"/> then removes the rest.</summary>
    private static DiagnosisAudience TroubleshooterAudience(Audience audience) =>
        audience == Audience.PracticeAdmin ? DiagnosisAudience.PracticeAdmin : DiagnosisAudience.Support;

    private static bool TryParseInstant(string? value, out DateTimeOffset? instant)
    {
        instant = null;
        if (value is null)
        {
            return true;
        }

        if (value.Length <= 64 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            instant = parsed.ToUniversalTime();
            return true;
        }

        return false;
    }

    /// <summary>The API's shape of a diagnosis (the root cause's help URL resolved, targets by name).</summary>
    public static DiagnosisView View(HttpContext context, Diagnosis diagnosis)
    {
        var root = diagnosis.RootCause is { } reason
            ? new EventsApi.ReasonView(reason.Code, reason.Category.ToString(), reason.Title, reason.ProbableCause, reason.ImmediateAction, reason.Escalation, Problems.HelpUrl(context, reason))
            : null;
        var escalation = diagnosis.Escalation;
        return new DiagnosisView(diagnosis.Subject, diagnosis.TraceId, diagnosis.AccountId, diagnosis.Username, diagnosis.DiagnosedAt, diagnosis.From, diagnosis.To,
            root, diagnosis.ImmediateAction,
            new EscalationView(escalation.Escalate, [.. escalation.Targets.Select(t => t.ToString())], escalation.RuleId, escalation.Explanation, escalation.When),
            diagnosis.Steps, diagnosis.Focus, diagnosis.Incident);
    }

    private static ApiProblem TraceNotFound() =>
        Problem(StatusCodes.Status404NotFound, "not_found", "No such trace ID",
            "No sign-in event carries this trace ID. It may be older than the retention period, or mistyped.");

    private static ApiProblem AccountNotFound() =>
        Problem(StatusCodes.Status404NotFound, "not_found", "No such account", "No account has this ID.");

    private static ApiProblem Forbidden() =>
        Problem(StatusCodes.Status403Forbidden, "forbidden", "Not allowed",
            "Diagnoses are for payer support, platform admins and practice administrators.");

    private static ApiProblem Problem(int status, string code, string title, string detail) => new(status, code, title, detail);
}

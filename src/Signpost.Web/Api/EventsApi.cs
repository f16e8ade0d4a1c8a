using Microsoft.AspNetCore.Http.HttpResults;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Api;

/// <summary>Support's view of one attempt: the exact reason behind the trace ID a user read out.</summary>
public static class EventsApi
{
    public sealed record ReasonView(string Code, string Category, string Title, string ProbableCause, string ImmediateAction, string Escalation, string HelpUrl);

    public sealed record EventView(SignInEvent Event, ReasonView Reason, ReasonView Shown);

    public static RouteGroupBuilder MapEventsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/events/{traceId}", GetAsync)
            .WithName("GetEventByTraceId")
            .WithSummary("The sign-in event behind a trace ID, with its exact reason")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Authorization.SupportPolicy);
        return api;
    }

    private static async Task<Results<Ok<EventView>, ApiProblem>> GetAsync(
        string traceId, HttpContext context, ISignInEventStore events, AdminScope scope, AudienceProjection projection, CancellationToken cancellationToken)
    {
        var normalized = traceId.Trim().ToLowerInvariant();
        if (!TraceIds.IsWellFormed(normalized))
        {
            return new ApiProblem(StatusCodes.Status400BadRequest, "invalid_trace_id", "Not a trace ID",
                "A trace ID is 32 hexadecimal characters, as shown on the failure page.");
        }

        var found = await events.FindByTraceIdAsync(normalized, cancellationToken);
        if (found is null)
        {
            return NotFound();
        }

        if (!await scope.CanSeeTraceAsync(found, cancellationToken))
        {
            await scope.RefuseAsync("event.read", "trace", normalized, found.OrganizationId, "The attempt is outside what the caller may read.", cancellationToken);
            return NotFound();
        }

        var shown = await projection.EventAsync(found, await scope.AudienceAsync(cancellationToken), cancellationToken);
        return TypedResults.Ok(new EventView(shown, View(context, found.ReasonCode), View(context, found.ShownReasonCode)));
    }

    private static ApiProblem NotFound() =>
        new(StatusCodes.Status404NotFound, "not_found", "No such trace ID",
            "No sign-in event carries this trace ID. It may be older than the retention period, or mistyped.");

    private static ReasonView View(HttpContext context, string code)
    {
        var reason = ReasonCatalogue.Get(code);
        return new ReasonView(reason.Code, reason.Category.ToString(), reason.Title, reason.ProbableCause, reason.ImmediateAction, reason.Escalation, Problems.HelpUrl(context, reason));
    }
}

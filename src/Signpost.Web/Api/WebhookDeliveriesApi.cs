using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Signpost.Core.Accounts;
using Signpost.Core.Incidents.Webhooks;

namespace Signpost.Web.Api;

/// <summary>
/// <c>GET /api/v1/webhook-deliveries</c>: the delivery log of the ticketing webhook and of OpenID Connect back-channel
/// logouts (<c>eventType</c> <c>backchannel.logout</c>, with <c>clientId</c> and <c>target</c>), every attempt with its
/// outcome (platform admins).
/// </summary>
public static class WebhookDeliveriesApi
{
    public sealed record AttemptView(int Number, DateTimeOffset At, int? StatusCode, string? Error, int DurationMs);

    public sealed record DeliveryView(
        Guid Id, Guid? IncidentId, string? ClientId, string? Target, string EventType, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt,
        int? LastStatusCode, string? LastError, DateTimeOffset? CompletedAt, IReadOnlyList<AttemptView> AttemptLog);

    public static RouteGroupBuilder MapWebhookDeliveriesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/webhook-deliveries", ListAsync)
            .WithName("ListWebhookDeliveries")
            .WithSummary("The delivery log (ticketing webhook and back-channel logouts), newest first, with each attempt's status code, error and duration")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .RequireAuthorization(policy => policy.RequireRole(nameof(PlatformRoles.PlatformAdmin)));
        return api;
    }

    private static async Task<Results<Ok<List<DeliveryView>>, ApiProblem>> ListAsync(HttpContext context, IWebhookDeliveryStore store, CancellationToken cancellationToken)
    {
        var q = context.Request.Query;
        WebhookDeliveryStatus? status = null;
        if (q.TryGetValue("status", out var statusText))
        {
            if (!Enum.TryParse<WebhookDeliveryStatus>(statusText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(statusText, out _))
            {
                return Invalid("status must be pending, delivered or failed.");
            }

            status = parsed;
        }

        Guid? incidentId = null;
        if (q.TryGetValue("incidentId", out var incidentText))
        {
            if (!Guid.TryParse(incidentText, out var id))
            {
                return Invalid("incidentId is a GUID.");
            }

            incidentId = id;
        }

        string? clientId = null;
        if (q.TryGetValue("clientId", out var clientText))
        {
            if (clientText.Count != 1 || clientText[0] is not { Length: > 0 and <= Core.OpenIdProvider.SessionClient.MaxClientIdLength } named)
            {
                return Invalid("clientId is one client ID of at most 100 characters.");
            }

            clientId = named;
        }

        var take = 50;
        if (q.TryGetValue("take", out var takeText) && (!int.TryParse(takeText, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > 500))
        {
            return Invalid("take is a whole number from 1 to 500.");
        }

        var deliveries = await store.ListAsync(status, incidentId, clientId, take, cancellationToken);
        var attempts = (await store.ListAttemptsAsync([.. deliveries.Select(d => d.Id)], cancellationToken)).ToLookup(a => a.DeliveryId);
        return TypedResults.Ok(deliveries.Select(d => new DeliveryView(
            d.Id, d.IncidentId, d.ClientId, d.Target, d.EventType, d.Status.ToString().ToLowerInvariant(), d.Attempts, d.CreatedAt, d.NextAttemptAt, d.LastStatusCode, d.LastError, d.CompletedAt,
            [.. attempts[d.Id].Select(a => new AttemptView(a.Number, a.At, a.StatusCode, a.Error, a.DurationMs))])).ToList());
    }

    private static ApiProblem Invalid(string detail) => new(StatusCodes.Status400BadRequest, "invalid_request", "Invalid request", detail);
}

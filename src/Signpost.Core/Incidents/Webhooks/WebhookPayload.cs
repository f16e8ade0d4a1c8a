using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signpost.Core.Incidents.Webhooks;

/// <summary>
/// The webhook body: <c>{ "type": "incident.created", "id": ..., "occurredAt": ..., "incident": { ... } }</c>.
/// No screenshot (the ticket links back for it) and no secrets; the data points are the incident's JSON as stored.
/// </summary>
public static class WebhookPayload
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public sealed record IncidentBody(
        Guid Id,
        string Title,
        IncidentStatus Status,
        string? RuleId,
        IReadOnlyList<string> Targets,
        Guid? OrganizationId,
        Guid? AccountId,
        string? Description,
        string? CallbackNumber,
        string? AssignedTo,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt,
        DateTimeOffset? ResolvedAt,
        IReadOnlyList<string> TraceIds,
        int AttachedCount,
        bool HasScreenshot,
        JsonElement DataPoints);

    public sealed record Envelope(Guid Id, string Type, DateTimeOffset OccurredAt, IncidentBody Incident);

    public static IncidentBody Body(Incident incident)
    {
        using var data = JsonDocument.Parse(incident.DataPoints);
        return new IncidentBody(incident.Id, incident.Title, incident.Status, incident.RuleId,
            incident.Targets.Split(',', StringSplitOptions.RemoveEmptyEntries), incident.OrganizationId, incident.AccountId,
            incident.Description, incident.CallbackNumber, incident.AssignedTo, incident.CreatedAt, incident.UpdatedAt, incident.ResolvedAt,
            incident.TraceIdList, incident.AttachedCount, incident.HasScreenshot, data.RootElement.Clone());
    }

    public static string Serialize(Guid deliveryId, string type, DateTimeOffset at, Incident incident) =>
        JsonSerializer.Serialize(new Envelope(deliveryId, type, at, Body(incident)), Json);
}

using System.Text.Json.Serialization;
using Signpost.Core.Maintenance;

namespace Signpost.Web.Maintenance;

/// <summary>
/// <c>/status.json</c>. The field names are a published contract: add fields, never rename or remove one.
/// Every instant is ISO 8601 in UTC ("2026-03-02T12:00:00Z"); absent values are null, never left out.
/// </summary>
public sealed record StatusDocument(
    [property: JsonPropertyName("generatedAt")] string GeneratedAt,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("organization")] StatusOrganization? Organization,
    [property: JsonPropertyName("current")] IReadOnlyList<StatusWindow> Current,
    [property: JsonPropertyName("upcoming")] IReadOnlyList<StatusWindow> Upcoming,
    [property: JsonPropertyName("recent")] IReadOnlyList<StatusWindow> Recent,
    [property: JsonPropertyName("statusPage")] string StatusPage,
    [property: JsonPropertyName("calendar")] string Calendar)
{
    public static StatusDocument From(MaintenanceSnapshot snapshot, StatusScope scope, string publicBaseUrl)
    {
        var baseUrl = publicBaseUrl.TrimEnd('/');
        var organization = scope.Organization is { } o ? new StatusOrganization(o.Slug, o.Name, o.TimeZone) : null;
        return new StatusDocument(
            MaintenanceWording.Iso(snapshot.Now),
            MaintenanceWording.StateName(snapshot.State),
            organization,
            [.. snapshot.Current.Select(w => StatusWindow.From(w, scope, snapshot.Now))],
            [.. snapshot.Upcoming.Select(w => StatusWindow.From(w, scope, snapshot.Now))],
            [.. snapshot.Recent.Select(w => StatusWindow.From(w, scope, snapshot.Now))],
            $"{baseUrl}/status{scope.Query}",
            $"{baseUrl}/status.ics{scope.Query}");
    }
}

/// <summary>The practice a filtered feed is for.</summary>
public sealed record StatusOrganization(
    [property: JsonPropertyName("slug")] string Slug,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("timeZone")] string TimeZone);

/// <summary>One window in the feed. <c>organization</c> is the slug of an SSO window's practice, when the feed is filtered to it.</summary>
public sealed record StatusWindow(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("organization")] string? Organization,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("startsAt")] string StartsAt,
    [property: JsonPropertyName("endsAt")] string EndsAt,
    [property: JsonPropertyName("closedAt")] string? ClosedAt,
    [property: JsonPropertyName("cancelledAt")] string? CancelledAt,
    [property: JsonPropertyName("message")] string Message)
{
    public static StatusWindow From(MaintenanceWindow window, StatusScope scope, DateTimeOffset now) => new(
        window.Id,
        MaintenanceWording.ScopeName(window.Scope),
        scope.OwnerOf(window)?.Slug,
        MaintenanceWording.PhaseName(window.PhaseAt(now)),
        MaintenanceWording.Iso(window.StartsAt),
        MaintenanceWording.Iso(window.EndsAt),
        window.ClosedAt is { } closed ? MaintenanceWording.Iso(closed) : null,
        window.CancelledAt is { } cancelled ? MaintenanceWording.Iso(cancelled) : null,
        window.Message);
}

using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Signpost.Core.Maintenance;

namespace Signpost.Web.Maintenance;

/// <summary>
/// <c>/status.ics</c>: the windows as an iCalendar feed (RFC 5545) that practices subscribe to. Each window
/// keeps one UID for life, so a calendar updates the event when a window is extended and crosses it out
/// when it is cancelled (STATUS:CANCELLED, RFC 5545 §3.8.1.11) instead of adding a second one.
/// </summary>
public static class StatusCalendar
{
    public const string ContentType = "text/calendar; charset=utf-8";

    /// <summary>The window's UID (RFC 5545 §3.8.4.7): its ID, which never changes, under Signpost's own name.</summary>
    public static string Uid(MaintenanceWindow window) => $"maintenance-{window.Id:D}@signpost";

    public static string Write(MaintenanceSnapshot snapshot, StatusScope scope, string publicBaseUrl)
    {
        var statusUrl = new Uri($"{publicBaseUrl.TrimEnd('/')}/status{scope.Query}");
        var calendar = new Calendar { ProductId = "-//Signpost//Maintenance windows//EN", Method = "PUBLISH" };
        var name = scope.Organization is { } organization ? $"Signpost maintenance — {organization.Name}" : "Signpost maintenance";
        calendar.AddProperty("X-WR-CALNAME", name);
        calendar.AddProperty("X-WR-CALDESC", "Planned maintenance of the provider portal sign-in (Signpost).");

        // Ask subscribed calendars to look again every hour (RFC 7986 §5.7, and the older Outlook name).
        calendar.AddProperty("REFRESH-INTERVAL;VALUE=DURATION", "PT1H");
        calendar.AddProperty("X-PUBLISHED-TTL", "PT1H");

        foreach (var window in snapshot.All)
        {
            calendar.Events.Add(Event(window, scope, statusUrl, snapshot.Now));
        }

        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    private static CalendarEvent Event(MaintenanceWindow window, StatusScope scope, Uri statusUrl, DateTimeOffset now)
    {
        var what = MaintenanceWording.What(window, scope.OwnerOf(window)?.Name);
        var description = $"{MaintenanceWording.Headline(window, scope.OwnerOf(window)?.Name, now)}\n\n{window.Message}";
        if (MaintenanceWording.StillWorks(window) is { } stillWorks)
        {
            description += $"\n\n{stillWorks}";
        }

        description += $"\n\nStatus: {statusUrl}";
        var modified = new[] { window.CreatedAt, window.CancelledAt ?? default, window.ClosedAt ?? default }.Max();
        return new CalendarEvent
        {
            Uid = Uid(window),
            Summary = $"Planned maintenance: {MaintenanceWording.Lower(what)}",
            Description = description,
            Start = Utc(window.StartsAt),
            End = Utc(window.EndsAt),
            DtStamp = Utc(now),
            LastModified = Utc(modified),
            Status = window.IsCancelled ? EventStatus.Cancelled : EventStatus.Confirmed,
            Transparency = TransparencyType.Transparent,
            Url = statusUrl,
        };
    }

    private static CalDateTime Utc(DateTimeOffset instant) =>
        new(DateTime.SpecifyKind(instant.UtcDateTime.AddTicks(-(instant.UtcDateTime.Ticks % TimeSpan.TicksPerSecond)), DateTimeKind.Utc));
}

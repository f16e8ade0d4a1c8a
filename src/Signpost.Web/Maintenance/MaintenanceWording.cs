using System.Globalization;
using Signpost.Core.Maintenance;

namespace Signpost.Web.Maintenance;

/// <summary>How windows read to the people who meet them: what goes down and when, in UTC and a practice's own time.</summary>
public static class MaintenanceWording
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The scope as the feeds name it, the same words as <c>signpost maintenance schedule --scope</c>.</summary>
    public static string ScopeName(MaintenanceScope scope) => scope switch
    {
        MaintenanceScope.Portal => "portal",
        MaintenanceScope.SignIn => "sign-in",
        MaintenanceScope.OrganizationSso => "sso",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, null),
    };

    /// <summary>The phase as the feeds name it.</summary>
    public static string PhaseName(MaintenancePhase phase) => phase switch
    {
        MaintenancePhase.Scheduled => "scheduled",
        MaintenancePhase.InProgress => "in_progress",
        MaintenancePhase.Overrunning => "overrunning",
        MaintenancePhase.Completed => "completed",
        MaintenancePhase.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    public static string StateName(MaintenanceState state) => state switch
    {
        MaintenanceState.Normal => "normal",
        MaintenanceState.InProgress => "in_progress",
        MaintenanceState.Overrunning => "overrunning",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>
    /// What goes down, as a sentence subject. <paramref name="organizationName"/> names the practice of an SSO
    /// window; null where the reader is not known to belong to it.
    /// </summary>
    public static string What(MaintenanceWindow window, string? organizationName) => window.Scope switch
    {
        MaintenanceScope.Portal => "The provider portal (sign-in included)",
        MaintenanceScope.SignIn => "Sign-in to the provider portal",
        _ => organizationName is null ? "Single sign-on for one practice" : $"Single sign-on for {organizationName}",
    };

    /// <summary>What still works during the window, when something does.</summary>
    public static string? StillWorks(MaintenanceWindow window) =>
        window.Scope == MaintenanceScope.OrganizationSso ? "Signing in with a password keeps working." : null;

    /// <summary>One sentence on where the window stands at <paramref name="now"/>.</summary>
    public static string Headline(MaintenanceWindow window, string? organizationName, DateTimeOffset now)
    {
        var what = What(window, organizationName);
        return window.PhaseAt(now) switch
        {
            MaintenancePhase.InProgress => $"{what} is unavailable now for planned maintenance, expected to end at {Utc(window.EndsAt)}.",
            MaintenancePhase.Overrunning => $"{what} was planned to be back at {Utc(window.EndsAt)}; the operators have not yet declared the work finished, so parts of it may still not work.",
            MaintenancePhase.Completed => $"{what} was under maintenance; the work is finished.",
            MaintenancePhase.Cancelled => $"Maintenance of {Lower(what)} was cancelled.",
            _ => $"{what} will be unavailable for planned maintenance.",
        };
    }

    /// <summary>"2026-03-02 12:00 UTC".</summary>
    public static string Utc(DateTimeOffset instant) => string.Create(Invariant, $"{instant.UtcDateTime:yyyy-MM-dd HH:mm} UTC");

    /// <summary>"2026-03-02T12:00:00Z": the instant as the feeds and <c>&lt;time datetime&gt;</c> carry it.</summary>
    public static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Invariant);

    /// <summary>
    /// A span in one zone: "Mon 2 Mar 2026, 10:00–12:00 UTC", or across days "Mon 2 Mar 2026 22:00 – Tue 3 Mar 2026 02:00 UTC";
    /// outside UTC with the zone and the offset at each end (they differ across a daylight-saving change).
    /// </summary>
    public static string Span(DateTimeOffset start, DateTimeOffset end, TimeZoneInfo zone)
    {
        var from = TimeZoneInfo.ConvertTime(start, zone);
        var to = TimeZoneInfo.ConvertTime(end, zone);
        var span = from.Date == to.Date
            ? string.Create(Invariant, $"{from:ddd d MMM yyyy}, {from:HH:mm}–{to:HH:mm}")
            : string.Create(Invariant, $"{from:ddd d MMM yyyy HH:mm} – {to:ddd d MMM yyyy HH:mm}");
        if (zone.Id is "UTC" or "Etc/UTC")
        {
            return span + " UTC";
        }

        var offsets = from.Offset == to.Offset ? Offset(from.Offset) : $"{Offset(from.Offset)} → {Offset(to.Offset)}";
        return $"{span} {zone.Id} time ({offsets})";
    }

    /// <summary>A practice's zone, or null when its setting is not a zone this machine knows.</summary>
    public static TimeZoneInfo? Zone(string? id) =>
        id is { Length: > 0 } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.Id is not ("UTC" or "Etc/UTC") ? zone : null;

    /// <summary>"2 h 30 min", "45 min".</summary>
    public static string Duration(TimeSpan span)
    {
        var minutes = (int)Math.Round(span.TotalMinutes);
        return minutes >= 60
            ? string.Create(Invariant, $"{minutes / 60} h{(minutes % 60 == 0 ? "" : $" {minutes % 60} min")}")
            : string.Create(Invariant, $"{minutes} min");
    }

    private static string Offset(TimeSpan offset) =>
        string.Create(Invariant, $"UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset.Duration():hh\\:mm}");

    /// <summary>Every <see cref="What"/> starts with a common word, so it reads lower-case inside a sentence.</summary>
    public static string Lower(string what) => char.ToLowerInvariant(what[0]) + what[1..];
}

using System.Globalization;
using System.Text;
using Signpost.Core.Email;
using Signpost.Core.Notifications;

namespace Signpost.Core.Maintenance;

/// <summary>
/// Writes the maintenance email for one practice: what goes down, when (in the practice's own time zone
/// and in UTC, each end with its own offset so a daylight-saving change inside the window reads right),
/// the operators' message, and the status page link built from the configured public base URL.
/// </summary>
public static class MaintenanceNoticeComposer
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static EmailMessage Compose(MaintenanceNoticeDue due, MaintenanceWindow window, PracticeContacts practice, string publicBaseUrl, DateTimeOffset now)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(practice.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var localStart = Local(window.StartsAt, zone);
        var subject = due.Kind switch
        {
            MaintenanceNoticeKind.Reminder => $"Reminder: {ShortScope(window.Scope)} maintenance starts in 24 hours ({localStart})",
            _ when now >= window.StartsAt => $"Maintenance under way: {ShortScope(window.Scope)} ({localStart} to {Local(window.EndsAt, zone)})",
            _ => $"Planned maintenance: {ShortScope(window.Scope)} on {localStart}",
        };

        var text = new StringBuilder();
        text.AppendLine("Hello,").AppendLine();
        text.AppendLine(Intro(due, window, practice.Name, now)).AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"What: {LongScope(window.Scope, practice.Name)}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"When, {practice.Name} time ({zone.Id}):");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {localStart} to {Local(window.EndsAt, zone)}");
        text.AppendLine("When, UTC:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {Utc(window.StartsAt)} to {Utc(window.EndsAt)}").AppendLine();
        text.AppendLine("Message from the Signpost operators:");
        foreach (var line in window.Message.Split('\n'))
        {
            text.Append("  ").AppendLine(line.TrimEnd('\r'));
        }

        text.AppendLine();
        text.AppendLine(window.BlocksPasswordSignIn
            ? "During the window, sign-in says it is under maintenance and when it is expected to end. Failed sign-in attempts do not count toward lockout."
            : "During the window, single sign-on says it is under maintenance; your staff can sign in with their password instead. Failed attempts do not count toward lockout.");
        text.AppendLine();
        text.AppendLine("Current status, upcoming windows and calendar feeds:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {StatusLink(publicBaseUrl)}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"You receive this because you administer {practice.Name} in Signpost.");

        return new EmailMessage(practice.Admins, subject, text.ToString());
    }

    /// <summary>The public status page: the configured base URL, never a request's Host header.</summary>
    public static string StatusLink(string publicBaseUrl) => publicBaseUrl.TrimEnd('/') + "/status";

    /// <summary>"Tue 3 Mar 2026 04:00 (UTC-06:00)": the wall-clock time with the offset in force at that instant.</summary>
    public static string Local(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return string.Create(Invariant, $"{local:ddd d MMM yyyy HH:mm} (UTC{sign}{offset.Duration():hh\\:mm})");
    }

    public static string Utc(DateTimeOffset instant) => string.Create(Invariant, $"{instant.UtcDateTime:yyyy-MM-dd HH:mm} UTC");

    private static string Intro(MaintenanceNoticeDue due, MaintenanceWindow window, string practice, DateTimeOffset now)
    {
        if (due.Kind == MaintenanceNoticeKind.Reminder)
        {
            return $"A reminder: maintenance that affects {practice} starts in about 24 hours.";
        }

        if (now >= window.StartsAt)
        {
            return $"Maintenance that affects {practice} has been scheduled and is under way now.";
        }

        var hours = (window.StartsAt - now).TotalHours;
        return hours < MaintenanceNoticeSchedule.ReminderLead.TotalHours
            ? string.Create(Invariant, $"Maintenance that affects {practice} has been scheduled. It starts in {(hours < 1 ? "less than an hour" : $"about {Math.Round(hours):0} hours")}.")
            : $"Maintenance that affects {practice} has been scheduled.";
    }

    private static string ShortScope(MaintenanceScope scope) => scope switch
    {
        MaintenanceScope.Portal => "provider portal",
        MaintenanceScope.SignIn => "sign-in",
        _ => "single sign-on",
    };

    private static string LongScope(MaintenanceScope scope, string practice) => scope switch
    {
        MaintenanceScope.Portal => "the whole provider portal, sign-in included, is unavailable.",
        MaintenanceScope.SignIn => "signing in to the provider portal is unavailable.",
        _ => $"single sign-on for {practice} is unavailable; signing in with a password keeps working.",
    };
}

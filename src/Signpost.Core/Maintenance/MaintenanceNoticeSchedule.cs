namespace Signpost.Core.Maintenance;

public enum MaintenanceNoticeKind
{
    /// <summary>The window was scheduled.</summary>
    Scheduled,

    /// <summary>The window starts within <see cref="MaintenanceNoticeSchedule.ReminderLead"/>.</summary>
    Reminder,
}

/// <summary>The notice a window needs now.</summary>
/// <param name="Kind">Which notice to send.</param>
/// <param name="CoversReminder">
/// A scheduled notice that goes out less than 24 hours before the start (or after it) also serves as the
/// reminder: practice admins get one message, not two in the same minute.
/// </param>
public sealed record MaintenanceNoticeDue(MaintenanceNoticeKind Kind, bool CoversReminder);

/// <summary>
/// When practice admins hear about a window (issue "Maintenance windows", item 2): once when it is
/// scheduled, and once <see cref="ReminderLead"/> before it starts. Cancelled, closed and finished windows
/// need nothing more.
/// </summary>
public static class MaintenanceNoticeSchedule
{
    public static readonly TimeSpan ReminderLead = TimeSpan.FromHours(24);

    public static MaintenanceNoticeDue? Due(MaintenanceWindow window, DateTimeOffset now)
    {
        if (window.IsCancelled || window.ClosedAt is not null || now >= window.EndsAt)
        {
            return null;
        }

        var reminderTime = now >= window.StartsAt - ReminderLead;
        if (window.ScheduledNoticeSentAt is null)
        {
            return new MaintenanceNoticeDue(MaintenanceNoticeKind.Scheduled, CoversReminder: reminderTime && window.ReminderSentAt is null);
        }

        // A window that started without its reminder (the service was down) gets none: the banner and the
        // sign-in page say it is under way.
        return window.ReminderSentAt is null && reminderTime && now < window.StartsAt
            ? new MaintenanceNoticeDue(MaintenanceNoticeKind.Reminder, CoversReminder: true)
            : null;
    }
}

using Signpost.Core.Maintenance;

namespace Signpost.Core.Tests.Maintenance;

/// <summary>Which notice a window needs at a given instant: the boundaries of "scheduled" and "24 hours before".</summary>
public sealed class MaintenanceNoticeScheduleTests
{
    private static readonly DateTimeOffset WindowStart = new(2026, 3, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WindowEnd = WindowStart.AddHours(2);

    private static MaintenanceWindow Window(DateTimeOffset? scheduledSent = null, DateTimeOffset? reminderSent = null) => new()
    {
        StartsAt = WindowStart,
        EndsAt = WindowEnd,
        Scope = MaintenanceScope.Portal,
        Message = "Database upgrade",
        EnteredTimeZone = "UTC",
        ScheduledNoticeSentAt = scheduledSent,
        ReminderSentAt = reminderSent,
    };

    [Fact]
    public void Due_NewWindowDaysAhead_ScheduledNoticeOnly()
    {
        var due = MaintenanceNoticeSchedule.Due(Window(), WindowStart.AddDays(-3));

        Assert.Equal(new MaintenanceNoticeDue(MaintenanceNoticeKind.Scheduled, CoversReminder: false), due);
    }

    [Fact]
    public void Due_NoticeSentOneTickBefore24Hours_Nothing()
    {
        var due = MaintenanceNoticeSchedule.Due(Window(scheduledSent: WindowStart.AddDays(-3)), WindowStart - TimeSpan.FromHours(24) - TimeSpan.FromTicks(1));

        Assert.Null(due);
    }

    [Fact]
    public void Due_NoticeSentExactly24HoursBefore_Reminder()
    {
        var due = MaintenanceNoticeSchedule.Due(Window(scheduledSent: WindowStart.AddDays(-3)), WindowStart - TimeSpan.FromHours(24));

        Assert.Equal(new MaintenanceNoticeDue(MaintenanceNoticeKind.Reminder, CoversReminder: true), due);
    }

    [Fact]
    public void Due_BothSent_Nothing()
    {
        var due = MaintenanceNoticeSchedule.Due(Window(WindowStart.AddDays(-3), WindowStart.AddHours(-24)), WindowStart.AddHours(-1));

        Assert.Null(due);
    }

    [Theory]
    [InlineData(-23)]
    [InlineData(0)]
    [InlineData(1)]
    public void Due_ScheduledWithin24HoursOrDuring_OneNoticeThatAlsoCountsAsTheReminder(int hoursFromStart)
    {
        var due = MaintenanceNoticeSchedule.Due(Window(), WindowStart.AddHours(hoursFromStart));

        Assert.Equal(new MaintenanceNoticeDue(MaintenanceNoticeKind.Scheduled, CoversReminder: true), due);
    }

    [Fact]
    public void Due_StartedWithoutReminder_NoLateReminder()
    {
        var due = MaintenanceNoticeSchedule.Due(Window(scheduledSent: WindowStart.AddDays(-3)), WindowStart);

        Assert.Null(due);
    }

    [Fact]
    public void Due_Cancelled_Nothing()
    {
        var window = Window();
        window.CancelledAt = WindowStart.AddDays(-4);

        Assert.Null(MaintenanceNoticeSchedule.Due(window, WindowStart.AddDays(-3)));
        Assert.Null(MaintenanceNoticeSchedule.Due(window, WindowStart.AddHours(-1)));
    }

    [Fact]
    public void Due_ClosedOrOver_Nothing()
    {
        var closed = Window();
        closed.ClosedAt = WindowStart.AddMinutes(30);

        Assert.Null(MaintenanceNoticeSchedule.Due(closed, WindowStart.AddMinutes(31)));
        Assert.Null(MaintenanceNoticeSchedule.Due(Window(), WindowEnd));
    }
}

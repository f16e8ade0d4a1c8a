using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Email;
using Signpost.Core.Maintenance;
using Signpost.Core.Notifications;
using Signpost.Core.Tests.Fakes;

namespace Signpost.Core.Tests.Maintenance;

/// <summary>Who hears about a maintenance window, when, exactly once — and what happens when mail cannot go out.</summary>
public sealed class MaintenanceAlertsTests
{
    private const string BaseUrl = "https://signpost.test/";

    // Monday 2026-03-02 09:00 UTC; the window is Thursday 12:00–14:00 UTC (06:00–08:00 in Chicago).
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WindowStart = new(2026, 3, 5, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly InMemoryMaintenanceStore _windows = new();
    private readonly InMemoryPracticeAdminDirectory _directory = new();
    private readonly InMemoryNotificationLog _log = new();
    private readonly RecordingEmailSender _email = new();
    private readonly MaintenancePlanner _planner;
    private readonly MaintenanceAlerts _alerts;
    private readonly PracticeContacts _harbor;
    private readonly PracticeContacts _bay;

    public MaintenanceAlertsTests()
    {
        _planner = new MaintenancePlanner(_windows, _time);
        _alerts = new MaintenanceAlerts(_windows, _directory, new OnceOnlySender(_log, _email, _time), _time);
        _harbor = _directory.Add("Harbor Clinic", "America/Chicago", "ann@harbor.example", "abe@harbor.example");
        _bay = _directory.Add("Bay Practice", "America/Los_Angeles", "bo@bay.example");
        _directory.Add("Quiet Clinic", "America/New_York");
    }

    private Task<MaintenanceWindow> ScheduleAsync(DateTimeOffset start, MaintenanceScope scope = MaintenanceScope.Portal, Guid? org = null, int hours = 2) =>
        _planner.ScheduleAsync(new MaintenanceRequest(start.UtcDateTime, start.UtcDateTime.AddHours(hours), "UTC", scope, org, "Claims database upgrade.\nSave your work first.", "test"), CancellationToken.None).Done();

    private async Task<MaintenanceWindow> StoredAsync(Guid id) => (await _windows.FindAsync(id, CancellationToken.None))!;

    private Task<IReadOnlyList<NotificationOutcome>> RunAsync() => _alerts.RunAsync(BaseUrl, CancellationToken.None);

    private static string[] Recipients(EmailMessage message) => [.. message.To.Select(t => t.Address)];

    [Fact]
    public async Task Run_PortalWindowScheduled_OneNoticePerPracticeToItsAdminsOnly()
    {
        // Arrange
        var window = await ScheduleAsync(WindowStart);

        // Act
        var outcomes = await RunAsync();

        // Assert: Harbor's two admins on one message, Bay's admin on another; the practice without admins gets nothing.
        Assert.Equal(2, _email.Sent.Count);
        var harbor = Assert.Single(_email.Sent, m => m.To.Any(t => t.Address == "ann@harbor.example"));
        Assert.Equal(["abe@harbor.example", "ann@harbor.example"], Recipients(harbor).Order(StringComparer.Ordinal));
        var bay = Assert.Single(_email.Sent, m => m.To.Any(t => t.Address == "bo@bay.example"));
        Assert.Equal(["bo@bay.example"], Recipients(bay));
        Assert.All(outcomes, o => Assert.Equal(NotificationStatus.Sent, o.Status));

        var stored = await StoredAsync(window.Id);
        Assert.Equal(Now, stored.ScheduledNoticeSentAt);
        Assert.Null(stored.ReminderSentAt);
    }

    [Fact]
    public async Task Run_Notice_TimesInThePracticeZoneAndUtc_MessageAndStatusLink()
    {
        await ScheduleAsync(WindowStart);

        await RunAsync();

        var harbor = _email.Sent.Single(m => m.To.Any(t => t.Address == "ann@harbor.example"));
        Assert.Equal("Planned maintenance: provider portal on Thu 5 Mar 2026 06:00 (UTC-06:00)", harbor.Subject);
        Assert.Contains("When, Harbor Clinic time (America/Chicago):\n  Thu 5 Mar 2026 06:00 (UTC-06:00) to Thu 5 Mar 2026 08:00 (UTC-06:00)", harbor.TextBody.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("When, UTC:\n  2026-03-05 12:00 UTC to 2026-03-05 14:00 UTC", harbor.TextBody.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("  Claims database upgrade.\n  Save your work first.", harbor.TextBody.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("https://signpost.test/status", harbor.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("https://signpost.test//status", harbor.TextBody, StringComparison.Ordinal);

        var bay = _email.Sent.Single(m => m.To.Any(t => t.Address == "bo@bay.example"));
        Assert.Contains("Thu 5 Mar 2026 04:00 (UTC-08:00) to Thu 5 Mar 2026 06:00 (UTC-08:00)", bay.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WindowAcrossSpringForward_EachEndWithItsOwnOffset()
    {
        // Clocks in Chicago jump from 02:00 to 03:00 on Sunday 2026-03-08 (08:00 UTC).
        await ScheduleAsync(new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero));

        await RunAsync();

        var harbor = _email.Sent.Single(m => m.To.Any(t => t.Address == "ann@harbor.example"));
        Assert.Contains("Sun 8 Mar 2026 01:00 (UTC-06:00) to Sun 8 Mar 2026 04:00 (UTC-05:00)", harbor.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Repeatedly_EachNoticeExactlyOnce()
    {
        await ScheduleAsync(WindowStart);

        await RunAsync();
        _time.Advance(TimeSpan.FromMinutes(1));
        var second = await RunAsync();

        Assert.Equal(2, _email.Sent.Count);
        Assert.Empty(second);
    }

    [Fact]
    public async Task Run_24HoursBefore_ReminderOnceAtTheBoundaryNotBefore()
    {
        // Arrange
        var window = await ScheduleAsync(WindowStart);
        await RunAsync();
        _email.Sent.Clear();

        // Act: one minute short of 24 hours before → nothing; at 24 hours → the reminder; a minute later → nothing more.
        _time.SetUtcNow(WindowStart.AddHours(-24).AddMinutes(-1));
        await RunAsync();
        Assert.Empty(_email.Sent);
        _time.SetUtcNow(WindowStart.AddHours(-24));
        await RunAsync();
        _time.Advance(TimeSpan.FromMinutes(1));
        await RunAsync();

        // Assert
        Assert.Equal(2, _email.Sent.Count);
        Assert.All(_email.Sent, m => Assert.StartsWith("Reminder: provider portal maintenance starts in 24 hours", m.Subject, StringComparison.Ordinal));
        var stored = await StoredAsync(window.Id);
        Assert.Equal(Now, stored.ScheduledNoticeSentAt);
        Assert.Equal(WindowStart.AddHours(-24), stored.ReminderSentAt);
    }

    [Fact]
    public async Task Run_ScheduledWithin24Hours_OneMessageServesAsNoticeAndReminder()
    {
        var window = await ScheduleAsync(Now.AddHours(5));

        await RunAsync();
        _time.Advance(TimeSpan.FromHours(1));
        await RunAsync();

        Assert.Equal(2, _email.Sent.Count);
        Assert.Contains("It starts in about 5 hours.", _email.Sent.First().TextBody, StringComparison.Ordinal);
        var stored = await StoredAsync(window.Id);
        Assert.Equal(Now, stored.ScheduledNoticeSentAt);
        Assert.Equal(Now, stored.ReminderSentAt);
    }

    [Fact]
    public async Task Run_SsoWindow_OnlyThatPracticesAdmins()
    {
        await ScheduleAsync(WindowStart, MaintenanceScope.OrganizationSso, _bay.OrganizationId);

        await RunAsync();

        var message = Assert.Single(_email.Sent);
        Assert.Equal(["bo@bay.example"], Recipients(message));
        Assert.Contains("single sign-on for Bay Practice is unavailable; signing in with a password keeps working", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MailServerDown_NothingMarked_RetriedOnTheNextRun()
    {
        // Arrange
        var window = await ScheduleAsync(WindowStart);
        _email.BeforeSend = _ => throw RecordingEmailSender.ServerDown();

        // Act
        var failed = await RunAsync();

        // Assert: one attempt (the run stops at a server that is down), nothing recorded anywhere.
        var outcome = Assert.Single(failed);
        Assert.Equal(NotificationStatus.Failed, outcome.Status);
        Assert.True(outcome.ServerUnavailable);
        Assert.Equal(1, _email.Attempts);
        Assert.Null((await StoredAsync(window.Id)).ScheduledNoticeSentAt);
        Assert.Empty(_log.All);

        // Act: the server is back a minute later.
        _email.BeforeSend = null;
        _time.Advance(TimeSpan.FromMinutes(1));
        await RunAsync();

        // Assert
        Assert.Equal(2, _email.Sent.Count);
        Assert.Equal(Now.AddMinutes(1), (await StoredAsync(window.Id)).ScheduledNoticeSentAt);
    }

    [Fact]
    public async Task Run_OnePracticeRefused_WindowNotMarked_RetryReachesOnlyThatPractice()
    {
        // Arrange: the server refuses the message to Bay (a 5xx for its recipient), takes Harbor's.
        var window = await ScheduleAsync(WindowStart);
        _email.BeforeSend = m => m.To.Any(t => t.Address == "bo@bay.example")
            ? throw new EmailDeliveryException("550 mailbox unavailable", serverUnavailable: false)
            : Task.CompletedTask;

        // Act
        await RunAsync();

        // Assert
        Assert.Single(_email.Sent);
        Assert.Null((await StoredAsync(window.Id)).ScheduledNoticeSentAt);

        // Act: Bay's mailbox works again.
        _email.BeforeSend = null;
        _email.Sent.Clear();
        _time.Advance(TimeSpan.FromMinutes(1));
        await RunAsync();

        // Assert: only Bay now; Harbor is not told twice.
        var retried = Assert.Single(_email.Sent);
        Assert.Equal(["bo@bay.example"], Recipients(retried));
        Assert.NotNull((await StoredAsync(window.Id)).ScheduledNoticeSentAt);
    }

    [Fact]
    public async Task Run_CancelledBeforeItsNotice_SendsNothing()
    {
        var window = await ScheduleAsync(WindowStart);
        await _planner.CancelAsync(window.Id, CancellationToken.None).Done();

        var outcomes = await RunAsync();

        Assert.Empty(outcomes);
        Assert.Empty(_email.Sent);
    }

    [Fact]
    public async Task Run_CancelledWhileSending_SendsNothingMore()
    {
        // Arrange: the operator cancels the window while the first practice's message is going out.
        var window = await ScheduleAsync(WindowStart);
        _email.BeforeSend = async _ =>
        {
            _email.BeforeSend = null;
            await _planner.CancelAsync(window.Id, CancellationToken.None).Done();
        };

        // Act
        var outcomes = await RunAsync();
        _time.Advance(TimeSpan.FromMinutes(1));
        await RunAsync();

        // Assert: the message already handed over stays sent; no other practice hears of it, nothing is marked.
        Assert.Single(_email.Sent);
        Assert.Equal([NotificationStatus.Sent, NotificationStatus.NoLongerWanted], outcomes.Select(o => o.Status));
        var stored = await StoredAsync(window.Id);
        Assert.True(stored.IsCancelled);
        Assert.Null(stored.ScheduledNoticeSentAt);
    }

    [Fact]
    public async Task Run_WithReminderDueAfterCancellation_NoReminder()
    {
        var window = await ScheduleAsync(WindowStart);
        await RunAsync();
        _email.Sent.Clear();
        await _planner.CancelAsync(window.Id, CancellationToken.None).Done();

        _time.SetUtcNow(WindowStart.AddHours(-23));
        await RunAsync();

        Assert.Empty(_email.Sent);
    }
}

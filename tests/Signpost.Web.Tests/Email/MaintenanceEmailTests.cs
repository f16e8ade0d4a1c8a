using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Maintenance;
using Signpost.Core.Notifications;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Email;

/// <summary>Maintenance notices through a real SMTP server: the right admins, the right content, exactly once.</summary>
public sealed class MaintenanceEmailTests : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private EmailApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        // The timer stays off except in the one test about it: a run at start that is slow to take its lease
        // could otherwise land between a test's "schedule" and "cancel" and send what the test says is never sent.
        _app = new EmailApp { SmtpPort = _smtp.Port };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task Notifier_ScheduledNoticeThenReminder_ArriveOnceEach_ToEachPracticesAdmins()
    {
        await using var app = new EmailApp { SmtpPort = _smtp.Port, TimerRuns = true };
        // Arrange: Harbor (Chicago) has an admin and a staff member; Bay (Los Angeles) has an admin.
        var harbor = TestAccounts.Unique("harbor");
        var bay = TestAccounts.Unique("bay");
        await app.CreateOrganizationAsync(harbor, "Harbor Clinic");
        await app.CreatePracticeAsync(bay, "Bay Practice", "America/Los_Angeles");
        var ann = await app.CreateMemberAsync(harbor, TestAccounts.Unique("ann"), PracticeRoles.PracticeAdmin | PracticeRoles.Provider);
        await app.CreateMemberAsync(harbor, TestAccounts.Unique("sam"), PracticeRoles.Staff);
        var bo = await app.CreateMemberAsync(bay, TestAccounts.Unique("bo"), PracticeRoles.PracticeAdmin);

        // Act: a portal window Thursday 12:00–14:00 UTC; the notifier's timer ticks a minute later.
        var window = await app.ScheduleAsync(TimeSpan.FromDays(3) + TimeSpan.FromHours(3), TimeSpan.FromHours(2), message: "Claims database upgrade.\nSave your work first.");
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var notices = await _smtp.WaitForAsync(2);
        await WaitUntilAsync(async () => (await app.WindowAsync(window.Id)).ScheduledNoticeSentAt is not null);
        await app.RunNotifierAsync();

        // Assert: one message per practice, to its admins only, in its time zone.
        Assert.Equal(2, _smtp.Received().Count);
        var toAnn = Assert.Single(notices, m => m.To.Contains(ann.Email));
        Assert.Equal([ann.Email], toAnn.To);
        Assert.Equal("signpost@signpost.test", toAnn.From);
        Assert.Equal("Planned maintenance: provider portal on Thu 5 Mar 2026 06:00 (UTC-06:00)", toAnn.Subject);
        var text = toAnn.Text.ReplaceLineEndings("\n");
        Assert.Contains("When, Harbor Clinic time (America/Chicago):\n  Thu 5 Mar 2026 06:00 (UTC-06:00) to Thu 5 Mar 2026 08:00 (UTC-06:00)", text, StringComparison.Ordinal);
        Assert.Contains("When, UTC:\n  2026-03-05 12:00 UTC to 2026-03-05 14:00 UTC", text, StringComparison.Ordinal);
        Assert.Contains("  Claims database upgrade.\n  Save your work first.", text, StringComparison.Ordinal);
        Assert.Contains($"{SignpostFactory.PublicBaseUrl}/status", text, StringComparison.Ordinal);
        var toBo = Assert.Single(notices, m => m.To.Contains(bo.Email));
        Assert.Equal([bo.Email], toBo.To);
        Assert.Contains("Thu 5 Mar 2026 04:00 (UTC-08:00) to Thu 5 Mar 2026 06:00 (UTC-08:00)", toBo.Text, StringComparison.Ordinal);

        var stored = await app.WindowAsync(window.Id);
        Assert.Equal(EmailApp.Start.AddMinutes(1), stored.ScheduledNoticeSentAt);
        Assert.Null(stored.ReminderSentAt);

        // Act: 24 hours before the start the timer's run sends the reminder; more runs after it send nothing.
        app.Clock.SetUtcNow(window.StartsAt.AddHours(-24));
        var all = await _smtp.WaitForAsync(4);
        await WaitUntilAsync(async () => (await app.WindowAsync(window.Id)).ReminderSentAt is not null);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.RunNotifierAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.RunNotifierAsync();

        // Assert
        Assert.Equal(4, _smtp.Received().Count);
        var reminders = all.Skip(2).ToList();
        Assert.All(reminders, m => Assert.StartsWith("Reminder: provider portal maintenance starts in 24 hours", m.Subject, StringComparison.Ordinal));
        Assert.Equal(new[] { ann.Email, bo.Email }.Order(StringComparer.Ordinal), reminders.SelectMany(m => m.To).Order(StringComparer.Ordinal));
        Assert.Equal(window.StartsAt.AddHours(-24), (await app.WindowAsync(window.Id)).ReminderSentAt);
        var deliveries = await app.DeliveriesAsync();
        Assert.Equal(4, deliveries.Count);
        Assert.All(deliveries, d => Assert.NotNull(d.SentAt));
    }

    [Fact]
    public async Task Notifier_SsoWindow_OnlyActiveAdminsOfThatPractice()
    {
        // Arrange: Harbor has an active admin, a disabled admin and an admin whose membership was removed; Pier has an admin too.
        var harbor = TestAccounts.Unique("harbor");
        var pier = TestAccounts.Unique("pier");
        var organization = await _app.CreateOrganizationAsync(harbor, "Harbor Clinic");
        await _app.CreateOrganizationAsync(pier, "Pier Clinic");
        var active = await _app.CreateMemberAsync(harbor, TestAccounts.Unique("ann"), PracticeRoles.PracticeAdmin);
        var disabled = await _app.CreateMemberAsync(harbor, TestAccounts.Unique("dee"), PracticeRoles.PracticeAdmin);
        var removed = await _app.CreateMemberAsync(harbor, TestAccounts.Unique("rex"), PracticeRoles.PracticeAdmin);
        await _app.CreateMemberAsync(pier, TestAccounts.Unique("pat"), PracticeRoles.PracticeAdmin);
        await _app.WithDbAsync(async db =>
        {
            await db.Accounts.Where(a => a.Id == disabled.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AccountStatus.Disabled));
            return await db.Memberships.Where(m => m.AccountId == removed.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MembershipStatus.Removed));
        });
        await _app.ScheduleAsync(TimeSpan.FromDays(2), TimeSpan.FromHours(1), MaintenanceScope.OrganizationSso, organization.Id);

        // Act
        await _app.RunNotifierAsync();

        // Assert
        var message = Assert.Single(await _smtp.WaitForAsync(1));
        Assert.Equal([active.Email], message.To);
        Assert.Equal(active.Email, Assert.Single(message.Message.To.Mailboxes).Address);
        Assert.Contains("single sign-on for Harbor Clinic is unavailable", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notifier_CancelledWindow_SendsNothing()
    {
        var harbor = TestAccounts.Unique("harbor");
        await _app.CreateOrganizationAsync(harbor, "Harbor Clinic");
        await _app.CreateMemberAsync(harbor, TestAccounts.Unique("ann"), PracticeRoles.PracticeAdmin);
        var window = await _app.ScheduleAsync(TimeSpan.FromDays(2), TimeSpan.FromHours(1));
        await _app.WithServicesAsync(services => services.GetRequiredService<MaintenancePlanner>().CancelAsync(window.Id, CancellationToken.None).Done());

        await _app.RunNotifierAsync();
        _app.Clock.SetUtcNow(window.StartsAt.AddHours(-23));
        await _app.RunNotifierAsync();

        Assert.Empty(_smtp.Received());
        Assert.Null((await _app.WindowAsync(window.Id)).ScheduledNoticeSentAt);
        Assert.Empty(await _app.DeliveriesAsync());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not become true within 15 seconds.");
            }

            await Task.Delay(50);
        }
    }
}

using System.Net;
using Signpost.Core.Accounts;
using Signpost.Core.Escalation;
using Signpost.Core.Maintenance;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Email;

/// <summary>"Account locked: the lock persists beyond the maintenance window it coincided with → payer support", end to end.</summary>
public sealed class LockEscalationEmailTests : IAsyncLifetime
{
    private const string Support = "support@payer.test";
    private SmtpSink _smtp = null!;
    private EmailApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _app = new EmailApp { SmtpPort = _smtp.Port, SupportEmail = Support };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task Notifier_LockOutlastsTheWindow_OneEscalationEmailToSupport()
    {
        // Arrange: a practice that locks after 3 failures for 3 hours; a portal window 10:00–11:00 UTC.
        var harbor = TestAccounts.Unique("harbor");
        await _app.CreateOrganizationAsync(harbor, "Harbor Clinic", policy =>
        {
            policy.LockoutThreshold = 3;
            policy.LockoutDurationMinutes = 180;
        });
        var ivy = await _app.CreateMemberAsync(harbor, TestAccounts.Unique("ivy"), PracticeRoles.Provider);
        var window = await _app.ScheduleAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1));

        // Act: at 09:50 three wrong passwords lock the account, through the real API.
        _app.Clock.SetUtcNow(EmailApp.Start.AddMinutes(50));
        using var client = _app.CreateBrowser();
        for (var i = 0; i < 3; i++)
        {
            var response = await client.ApiSignInAsync(ivy.Username, TestAccounts.WrongPassword);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // During the window the rule waits: maintenance still explains the lock.
        _app.Clock.SetUtcNow(window.EndsAt.AddMinutes(-1));
        await _app.RunNotifierAsync();
        Assert.Empty(_smtp.Received());

        // At the window's end the lock still holds (until 12:50): one escalation; later runs add none.
        _app.Clock.SetUtcNow(window.EndsAt);
        await _app.RunNotifierAsync();
        var message = Assert.Single(await _smtp.WaitForAsync(1));
        for (var minute = 0; minute < 3; minute++)
        {
            _app.Clock.Advance(TimeSpan.FromMinutes(1));
            await _app.RunNotifierAsync();
        }

        // Assert
        Assert.Single(_smtp.Received());
        Assert.Equal([Support], message.To);
        Assert.Equal($"Escalation: {ivy.Username} still locked after maintenance", message.Subject);
        var text = message.Text;
        Assert.Contains($"Rule ID: {LockOutlastsMaintenanceRule.Id}", text, StringComparison.Ordinal);
        Assert.Contains($"({ivy.Username}), ID {ivy.Id}", text, StringComparison.Ordinal);
        Assert.Contains("Practices: Harbor Clinic", text, StringComparison.Ordinal);
        Assert.Contains("Lock: every browser the account does not trust", text, StringComparison.Ordinal);
        Assert.Contains("locked at    2026-03-02 09:50 UTC", text, StringComparison.Ordinal);
        Assert.Contains("locked until 2026-03-02 12:50 UTC", text, StringComparison.Ordinal);
        Assert.Contains($"Maintenance window: {MaintenanceScope.Portal}, ID {window.Id}", text, StringComparison.Ordinal);
        Assert.Contains("  ended 2026-03-02 11:00 UTC", text, StringComparison.Ordinal);
        var delivery = Assert.Single(await _app.DeliveriesAsync(), d => d.Key.StartsWith($"escalation/{LockOutlastsMaintenanceRule.Id}/", StringComparison.Ordinal));
        Assert.NotNull(delivery.SentAt);
    }
}

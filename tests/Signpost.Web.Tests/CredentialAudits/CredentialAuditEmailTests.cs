using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.CredentialAudits;
using Signpost.Core.Notifications;
using Signpost.Web.CredentialAudits;
using Signpost.Web.Tests.Email;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.CredentialAudits;

/// <summary>
/// The quarterly credential audit through a real SMTP server on a hand-moved clock: after each quarter ends,
/// the practice's admins get its report once, however often the job runs; staff and admin-less practices get none.
/// </summary>
public sealed class CredentialAuditEmailTests : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private EmailApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();

        // The job's own timer is off: the test runs it by hand on the clock it moves.
        _app = new EmailApp { SmtpPort = _smtp.Port, Settings = { ["Signpost:CredentialAudits:Enabled"] = "false" } };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private Task RunJobAsync() => _app.Services.GetRequiredService<CredentialAuditJob>().RunOnceAsync(CancellationToken.None);

    [Fact]
    public async Task Job_AfterEachQuarter_EmailsThePracticeAdminsOnce()
    {
        // Arrange: on 2 March 2026 a practice with two admins and a staff member, and a practice of staff only.
        var slug = TestAccounts.Unique("quarterly");
        var practice = await _app.CreatePracticeAsync(slug, "Quarterly Family Medicine", "America/Chicago");
        var ada = await _app.CreateMemberAsync(slug, TestAccounts.Unique("ada"), PracticeRoles.PracticeAdmin | PracticeRoles.Staff);
        var bo = await _app.CreateMemberAsync(slug, TestAccounts.Unique("bo"), PracticeRoles.PracticeAdmin);
        var sam = await _app.CreateMemberAsync(slug, TestAccounts.Unique("sam"), PracticeRoles.Staff);
        var quietSlug = TestAccounts.Unique("quiet");
        await _app.CreatePracticeAsync(quietSlug, "Quiet Clinic", "America/Chicago");
        await _app.CreateMemberAsync(quietSlug, TestAccounts.Unique("rex"), PracticeRoles.Staff);

        // Act: mid-quarter (the practices did not exist in Q4 2025), then twice after Q1 ends, then after Q2 ends.
        await RunJobAsync();
        var midQuarter = _smtp.Received().Count;
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 1, 6, 0, 0, TimeSpan.Zero));
        await RunJobAsync();
        await RunJobAsync();
        var q1 = Assert.Single(await _smtp.WaitForAsync(1));
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 7, 1, 6, 0, 0, TimeSpan.Zero));
        await RunJobAsync();
        var both = await _smtp.WaitForAsync(2);

        // Assert
        Assert.Equal(0, midQuarter);
        Assert.Equal(2, _smtp.Received().Count);
        Assert.Equal(new[] { ada.Email, bo.Email }.Order(StringComparer.OrdinalIgnoreCase), q1.To.Order(StringComparer.OrdinalIgnoreCase));
        Assert.Equal("Credential audit 2026-Q1 for Quarterly Family Medicine: 1 finding(s)", q1.Subject);
        Assert.Contains("People with access: 3; active admins: 2.", q1.Text, StringComparison.Ordinal);
        Assert.Contains("3 changes to people and roles in the period.", q1.Text, StringComparison.Ordinal);
        Assert.Contains($"{SignpostFactory.PublicBaseUrl}/admin/{slug}/credential-audit", q1.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(sam.Email, q1.To);
        Assert.StartsWith("Credential audit 2026-Q2 for Quarterly Family Medicine", both[1].Subject, StringComparison.Ordinal);
        Assert.Contains("not signed in for 90+ days", both[1].Text, StringComparison.Ordinal);
        var keys = await _app.WithDbAsync(db => db.Set<NotificationDelivery>().AsNoTracking()
            .Where(d => d.Key.StartsWith("credential-audit/") && d.SentAt != null).Select(d => d.Key).ToListAsync());
        Assert.Equal(
            [CredentialAuditEmails.NotificationKey(practice.Id, "2026-Q1"), CredentialAuditEmails.NotificationKey(practice.Id, "2026-Q2")],
            keys.Order(StringComparer.Ordinal));
    }
}

using Microsoft.Extensions.Time.Testing;
using Signpost.Core.CredentialAudits;
using Signpost.Core.Notifications;
using Signpost.Core.Tests.Fakes;
using static Signpost.Core.Tests.CredentialAudits.AuditFacts;

namespace Signpost.Core.Tests.CredentialAudits;

/// <summary>The scheduled report: once per practice and quarter, only to practices with admins that existed in the quarter.</summary>
public sealed class ScheduledCredentialAuditsTests
{
    private sealed class FixedFacts : ICredentialAuditFacts
    {
        public Dictionary<Guid, (DateTimeOffset Created, CredentialAuditFacts Facts)> Practices { get; } = [];

        public Task<CredentialAuditFacts?> ReadAsync(Guid organizationId, DateTimeOffset periodStart, DateTimeOffset periodEnd, IProgress<int>? progress, CancellationToken cancellationToken) =>
            Task.FromResult(Practices.TryGetValue(organizationId, out var p) ? p.Facts with { PeriodStart = periodStart, PeriodEnd = periodEnd } : null);

        public Task<DateTimeOffset?> CreatedAtAsync(Guid organizationId, CancellationToken cancellationToken) =>
            Task.FromResult(Practices.TryGetValue(organizationId, out var p) ? p.Created : (DateTimeOffset?)null);
    }

    [Fact]
    public async Task RunAsync_OverAQuarterEnd_SendsEachPracticeWithAdminsItsReportOnce()
    {
        // Arrange: the clock a minute before Q1 2026 ends.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 31, 23, 59, 0, TimeSpan.Zero));
        var directory = new InMemoryPracticeAdminDirectory();
        var facts = new FixedFacts();
        var oak = directory.Add("Oakridge Family Medicine", "America/Chicago", "ada@clinic.example", "bo@clinic.example");
        var quiet = directory.Add("Quiet Clinic", "America/Chicago");
        var late = directory.Add("Late Clinic", "America/Chicago", "lee@clinic.example");
        facts.Practices[oak.OrganizationId] = (new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), Practice([Admin("ada"), Member("sam", lastSignInAgo: TimeSpan.FromDays(120))]) with { OrganizationId = oak.OrganizationId });
        facts.Practices[quiet.OrganizationId] = (new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), Practice([Member("sam")]) with { OrganizationId = quiet.OrganizationId });
        facts.Practices[late.OrganizationId] = (new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), Practice([Admin("lee")]) with { OrganizationId = late.OrganizationId });
        var log = new InMemoryNotificationLog();
        var email = new RecordingEmailSender();
        var audits = new ScheduledCredentialAudits(directory, facts, log, new OnceOnlySender(log, email, time), time);

        // Act: the Q4 2025 report went out earlier (we pretend none did: only Oakridge existed), then Q1 ends.
        var beforeEnd = await audits.RunAsync(3, new CredentialAuditThresholds(), "https://signpost.test", CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(2));
        var afterEnd = await audits.RunAsync(3, new CredentialAuditThresholds(), "https://signpost.test", CancellationToken.None);
        var again = await audits.RunAsync(3, new CredentialAuditThresholds(), "https://signpost.test", CancellationToken.None);

        // Assert: Q4 2025 once before the end, Q1 2026 once after; the practice without admins and the one
        // created after the quarter get nothing.
        Assert.Equal([NotificationStatus.Sent], beforeEnd.Select(o => o.Status));
        Assert.Equal([NotificationStatus.Sent], afterEnd.Select(o => o.Status));
        Assert.Empty(again);
        Assert.Equal(
            [CredentialAuditEmails.NotificationKey(oak.OrganizationId, "2025-Q4"), CredentialAuditEmails.NotificationKey(oak.OrganizationId, "2026-Q1")],
            log.SentKeys.Order(StringComparer.Ordinal));
        var q1 = email.Sent.Last();
        Assert.Equal(["ada@clinic.example", "bo@clinic.example"], q1.To.Select(a => a.Address));
        Assert.Equal("Credential audit 2026-Q1 for Oakridge Family Medicine: 1 finding(s)", q1.Subject);
        Assert.Contains("1 account has not signed in for 90+ days.", q1.TextBody, StringComparison.Ordinal);
        Assert.Contains("Recommended: Disable the accounts of people who left", q1.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://signpost.test/admin/oakridge/credential-audit", q1.TextBody, StringComparison.Ordinal);
    }
}

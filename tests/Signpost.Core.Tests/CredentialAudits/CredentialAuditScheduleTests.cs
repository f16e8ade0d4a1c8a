using Signpost.Core.CredentialAudits;

namespace Signpost.Core.Tests.CredentialAudits;

public sealed class CredentialAuditScheduleTests
{
    [Theory]
    [InlineData("2026-04-01T00:00:00Z", 3, "2026-01-01", "2026-04-01", "2026-Q1")]
    [InlineData("2026-03-31T23:59:59Z", 3, "2025-10-01", "2026-01-01", "2025-Q4")]
    [InlineData("2026-01-15T12:00:00Z", 3, "2025-10-01", "2026-01-01", "2025-Q4")]
    [InlineData("2026-07-01T00:00:00Z", 6, "2026-01-01", "2026-07-01", "2026-H1")]
    [InlineData("2026-02-10T00:00:00Z", 1, "2026-01-01", "2026-02-01", "2026-01")]
    [InlineData("2027-01-01T00:00:00Z", 12, "2026-01-01", "2027-01-01", "2026")]
    public void Previous_AtAnInstant_IsTheLastCompletePeriodWithItsName(string now, int months, string start, string end, string name)
    {
        // Act
        var (s, e) = CredentialAuditSchedule.Previous(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), months);

        // Assert
        Assert.Equal(start, s.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(end, e.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(name, CredentialAuditSchedule.Name(s, months));
    }
}

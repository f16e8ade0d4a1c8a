using Signpost.Core.Accounts;
using Signpost.Core.CredentialAudits;
using static Signpost.Core.Tests.CredentialAudits.AuditFacts;

namespace Signpost.Core.Tests.CredentialAudits;

/// <summary>The CSV is RFC 4180 and never hands a spreadsheet a formula.</summary>
public sealed class CredentialAuditCsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+1 555", "'+1 555")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tTAB", "'\tTAB")]
    [InlineData("Smith, Jo", "\"Smith, Jo\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("", "")]
    public void Field_DangerousOrSpecialCharacters_AreNeutralisedAndQuoted(string value, string expected)
    {
        // Act
        var field = CredentialAuditCsv.Field(value);

        // Assert
        Assert.Equal(expected, field);
    }

    [Fact]
    public void Write_Report_HasHeaderAndOneCrlfLinePerPersonWithFindings()
    {
        // Arrange
        var facts = Practice([Admin("ada"), Member("=cmd", lastSignInAgo: TimeSpan.FromDays(120)) with { DisplayName = "=cmd|' /C calc'!A0" }]);
        var report = CredentialAuditBuilder.Build(facts, new CredentialAuditThresholds(), Now);

        // Act
        var csv = CredentialAuditCsv.Write(report);

        // Assert
        var lines = csv.Split("\r\n");
        Assert.Equal(4, lines.Length);
        Assert.Equal("", lines[3]);
        Assert.Equal(string.Join(',', CredentialAuditCsv.Header), lines[0]);
        Assert.StartsWith("'=cmd,'=cmd|' /C calc'!A0,", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",none,yes,no,,no,inactive_accounts", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("ada,", lines[2], StringComparison.Ordinal);
        Assert.Contains(",\"PracticeAdmin, Staff\",", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain(PracticeRoles.None.ToString(), csv, StringComparison.Ordinal);
    }
}

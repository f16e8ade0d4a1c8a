using Signpost.Core.Browsers;
using Signpost.Core.Help;
using Signpost.Core.Reasons;

namespace Signpost.Core.Tests.Help;

public sealed class HelpCentreTests
{
    [Fact]
    public void Articles_NameOnlyCatalogueCodes_HaveUniqueSlugs_AndSiteLinks()
    {
        Assert.All(HelpCentre.Articles.SelectMany(a => a.ReasonCodes), code => Assert.True(ReasonCatalogue.TryGet(code, out _), code));
        Assert.Equal(HelpCentre.Articles.Count, HelpCentre.Articles.Select(a => a.Slug).Distinct().Count());
        Assert.All(HelpCentre.Articles.SelectMany(a => a.Actions), action => Assert.StartsWith("/", action.Path, StringComparison.Ordinal));
        Assert.All(HelpCentre.Articles, a => Assert.NotEmpty(a.Answer));
    }

    [Fact]
    public void EveryFailureCode_IsAnsweredBySomeQuestion()
    {
        var unanswered = ReasonCatalogue.All.Where(r => !r.IsSuccess && HelpCentre.For(r.Code).Count == 0).Select(r => r.Code).ToList();

        Assert.Empty(unanswered);
    }

    [Theory]
    [InlineData(0, "In step with the server")]
    [InlineData(1_500, "In step with the server")]
    [InlineData(45_000, "45 s ahead of the server")]
    [InlineData(-185_000, "3 min 5 s behind the server")]
    public void Describe_Offset(long milliseconds, string expected) =>
        Assert.Equal(expected, ClientCheck.Describe(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("abc", null)]
    [InlineData("-5", null)]
    [InlineData("1000", null)]
    [InlineData("1795000000000", 1_000L)]
    [InlineData("99999999999999999999", null)]
    public void OffsetFrom_AcceptsOnlyPlausibleReadings(string? reading, long? expectedMilliseconds)
    {
        var serverNow = DateTimeOffset.FromUnixTimeMilliseconds(1_794_999_999_000);

        var offset = ClientCheck.OffsetFrom(reading, serverNow);

        Assert.Equal(expectedMilliseconds, (long?)offset?.TotalMilliseconds);
    }

    [Theory]
    [InlineData("America/Chicago", "America/Chicago")]
    [InlineData("Mars/Olympus", null)]
    [InlineData("   ", null)]
    public void TimeZoneFrom_KnownZonesOnly(string reported, string? expected) =>
        Assert.Equal(expected, ClientCheck.TimeZoneFrom(reported));

    [Fact]
    public void Findings_ClockOutsideTolerance_IsAProblem_InsideIsOk()
    {
        var matrix = new BrowserSupportOptions { MinimumVersions = { ["Chrome"] = 150 } };
        var browser = new BrowserInfo("Chrome", 155, "155.0", "Windows");
        ClientCheck With(TimeSpan offset) => new(browser, true, true, true, "UTC", offset, "LAN");

        var inside = With(ClientCheck.ClockTolerance).Findings(matrix).Single(f => f.Fact == "Clock");
        var outside = With(ClientCheck.ClockTolerance + TimeSpan.FromSeconds(1)).Findings(matrix).Single(f => f.Fact == "Clock");

        Assert.Equal(CheckStatus.Ok, inside.Status);
        Assert.Equal(CheckStatus.Problem, outside.Status);
        Assert.NotNull(outside.Advice);
    }
}

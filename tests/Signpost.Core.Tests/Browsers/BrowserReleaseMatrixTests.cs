using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Browsers;

namespace Signpost.Core.Tests.Browsers;

/// <summary>
/// The matrix by release date ("the latest two releases") and Firefox ESR by end date, both against the
/// injected clock, and the advice that names the browser's real version.
/// </summary>
public sealed class BrowserReleaseMatrixTests
{
    private const string FirefoxEsr140 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
    private const string FirefoxEsr153 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:153.0) Gecko/20100101 Firefox/153.0";
    private const string Firefox150 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:150.0) Gecko/20100101 Firefox/150.0";
    private const string Chrome154 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/154.0.7632.110 Safari/537.36";

    /// <summary>Chrome 154–157 and Firefox 156–158 every four weeks; ESR 140 until 15 Sep 2026, ESR 153 until 14 Sep 2027.</summary>
    private static (BrowserSupportOptions Options, FakeTimeProvider Clock) Matrix(DateOnly today)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
        var options = new BrowserSupportOptions
        {
            Clock = clock,
            Releases =
            {
                ["Chrome"] = new() { [154] = new(2026, 9, 8), [155] = new(2026, 10, 6), [156] = new(2026, 11, 3), [157] = new(2026, 12, 1) },
                ["Firefox"] = new() { [156] = new(2026, 10, 13), [157] = new(2026, 11, 10), [158] = new(2026, 12, 8) },
            },
            MinimumVersions = { ["Safari"] = 26 },
            OnlyOn = { ["Safari"] = ["macOS"] },
            FirefoxEsr = { [140] = new(2026, 9, 15), [153] = new(2027, 9, 14) },
        };
        return (options, clock);
    }

    private static bool Supported(BrowserSupportOptions options, string userAgent) => options.IsSupported(UserAgentParser.Parse(userAgent));

    [Fact]
    public void LatestTwo_MoveOnByThemselves_WhenTheNextReleaseDatePasses()
    {
        // Arrange: 30 November 2026, Chrome 155 and 156 are the latest two released.
        var (options, clock) = Matrix(new DateOnly(2026, 11, 30));

        // Act + Assert
        Assert.Equal(155, options.MinimumFor("Chrome"));
        Assert.True(Supported(options, TestBrowsers.Chrome155Windows));
        Assert.False(Supported(options, Chrome154));

        // Chrome 157 ships on 1 December: 155 falls out of the latest two without anyone editing the matrix.
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(156, options.MinimumFor("Chrome"));
        Assert.False(Supported(options, TestBrowsers.Chrome155Windows));
        Assert.Equal("Chrome 156+, Firefox 156+ or Firefox ESR 153, Safari 26+ (macOS)", options.Describe());
    }

    [Fact]
    public void FirefoxEsr_CurrentAndPreviousSupportedUntilTheirEndDates()
    {
        // Arrange: 1 September 2026, inside the overlap: ESR 153 is out and ESR 140 still supported.
        var (options, clock) = Matrix(new DateOnly(2026, 9, 1));

        // Act + Assert: both ESRs pass although their majors are far below the release channel's.
        Assert.True(Supported(options, FirefoxEsr153));
        Assert.True(Supported(options, FirefoxEsr140));
        Assert.False(Supported(options, Firefox150));
        Assert.Equal([153, 140], options.SupportedEsr());

        // The last day of ESR 140 still counts; the day after, it does not.
        clock.SetUtcNow(new DateTimeOffset(2026, 9, 15, 23, 0, 0, TimeSpan.Zero));
        Assert.True(Supported(options, FirefoxEsr140));
        clock.Advance(TimeSpan.FromHours(2));
        Assert.False(Supported(options, FirefoxEsr140));
        Assert.True(Supported(options, FirefoxEsr153));
    }

    [Fact]
    public void Advice_EndedEsr_NamesItsVersionAndTheCurrentEsr()
    {
        var (options, _) = Matrix(new DateOnly(2026, 12, 6));

        var advice = options.Advice(UserAgentParser.Parse(FirefoxEsr140));

        Assert.Equal("Firefox 140.0 is Firefox ESR 140, whose support ended on 2026-09-15. Ask your IT department to move to Firefox ESR 153, or update to Firefox 156+.", advice);
    }

    [Fact]
    public void Advice_OldRelease_NamesTheRealVersionAndTheSupportedOnes()
    {
        var (options, _) = Matrix(new DateOnly(2026, 12, 6));

        var advice = options.Advice(UserAgentParser.Parse(Chrome154));

        Assert.Equal("Chrome 154.0.7632.110 is older than the supported Chrome 156+. Update Chrome (it usually offers the update in its menu), or use one of: "
            + "Chrome 156+, Firefox 156+ or Firefox ESR 153, Safari 26+ (macOS).", advice);
    }

    [Fact]
    public void Advice_SafariOffItsSystem_SaysWhereItIsSupported()
    {
        var (options, _) = Matrix(new DateOnly(2026, 12, 6));

        var advice = options.Advice(UserAgentParser.Parse(TestBrowsers.Safari26Ios));

        Assert.StartsWith("Safari 26.0 is supported only on macOS, not on iOS.", advice, StringComparison.Ordinal);
    }

    [Fact]
    public void Releases_NoneReleasedYet_FallsBackToTheFixedMinimum()
    {
        // Arrange: a table of future releases only, and a fixed minimum for the family.
        var (options, _) = Matrix(new DateOnly(2026, 1, 1));
        options.MinimumVersions["Chrome"] = 150;

        // Act + Assert
        Assert.Equal(150, options.MinimumFor("Chrome"));
        Assert.Null(options.MinimumFor("Opera"));
    }
}

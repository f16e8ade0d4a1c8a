using Signpost.Core.Browsers;

namespace Signpost.Core.Tests.Browsers;

public sealed class UserAgentParserTests
{
    [Theory]
    [InlineData(TestBrowsers.Chrome155Windows, "Chrome", 155, "155.0.0.0", "Windows")]
    [InlineData(TestBrowsers.Edge155Windows, "Edge", 155, "155.0.3485.54", "Windows")]
    [InlineData(TestBrowsers.Firefox157Windows, "Firefox", 157, "157.0", "Windows")]
    [InlineData(TestBrowsers.Firefox156Linux, "Firefox", 156, "156.0", "Linux")]
    [InlineData(TestBrowsers.Safari26MacOs, "Safari", 26, "26.0", "macOS")]
    [InlineData(TestBrowsers.Safari26Ios, "Safari", 26, "26.0", "iOS")]
    [InlineData(TestBrowsers.HeadlessChrome141Linux, "Chrome", 141, "141.0.7390.37", "Linux")]
    [InlineData(TestBrowsers.InternetExplorer11, "Internet Explorer", 11, "11.0", "Windows")]
    [InlineData("Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)", "Internet Explorer", 10, "10.0", "Windows")]
    [InlineData(TestBrowsers.Opera123Windows, "Opera", 123, "123.0.0.0", "Windows")]
    [InlineData("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/155.0.0.0 Mobile Safari/537.36", "Chrome", 155, "155.0.0.0", "Android")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/155.0.7339.122 Mobile/15E148 Safari/604.1", "Chrome", 155, "155.0.7339.122", "iOS")]
    [InlineData("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/155.0.0.0 Safari/537.36", "Chrome", 155, "155.0.0.0", "ChromeOS")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/155.0.0.0 Safari/537.36", "Chrome", 155, "155.0.0.0", "macOS")]
    [InlineData("Mozilla/5.0 (Linux; Android 13; SM-S901B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36", "Samsung Internet", 28, "28.0", "Android")]
    public void Parse_RealUserAgent_ReadsFamilyVersionAndOs(string userAgent, string family, int major, string version, string os)
    {
        // Act
        var browser = UserAgentParser.Parse(userAgent);

        // Assert
        Assert.Equal(new BrowserInfo(family, major, version, os), browser);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_Empty_ReturnsUnknown(string? userAgent)
    {
        // Act
        var browser = UserAgentParser.Parse(userAgent);

        // Assert
        Assert.Equal(BrowserInfo.Unknown, browser);
        Assert.Equal("Unknown", browser.Family);
        Assert.Null(browser.MajorVersion);
        Assert.Equal("Unknown", browser.OperatingSystem);
    }

    [Theory]
    [InlineData("curl/8.5.0", "Unknown")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) SomeBot/1.0", "Windows")]
    public void Parse_NoKnownBrowser_ReturnsUnknownFamilyWithTheOs(string userAgent, string os)
    {
        // Act
        var browser = UserAgentParser.Parse(userAgent);

        // Assert
        Assert.Equal(BrowserInfo.UnknownFamily, browser.Family);
        Assert.Null(browser.MajorVersion);
        Assert.Null(browser.Version);
        Assert.Equal(os, browser.OperatingSystem);
    }

    [Fact]
    public void ToString_KnownBrowser_ReadsAsFamilyVersionOnOs()
    {
        // Act
        var text = UserAgentParser.Parse(TestBrowsers.Firefox157Windows).ToString();

        // Assert
        Assert.Equal("Firefox 157.0 on Windows", text);
    }
    [Fact]
    public void Parse_HostileHeader_ReadsOnlyWhatAnEventKeeps_AndNeverThrows()
    {
        // Many "Version/" and "Trident/" tokens with no "Safari/" or "rv:" after them: the shape that makes a
        // backtracking engine retry from every token.
        var hostile = "Mozilla/5.0 (Windows NT 10.0) " + string.Concat(Enumerable.Repeat("Version/1.2 Trident/7.0 ", 4_000));
        var late = "Mozilla/5.0 (Windows NT 10.0) " + new string(' ', 600) + "Chrome/120.0.0.0";

        var parsed = UserAgentParser.Parse(hostile);
        var cut = UserAgentParser.Parse(late);

        Assert.Equal(BrowserInfo.Unknown.Family, parsed.Family);
        Assert.Equal("Windows", parsed.OperatingSystem);
        Assert.Equal(BrowserInfo.Unknown.Family, cut.Family); // past the 512 characters an event stores
    }
}

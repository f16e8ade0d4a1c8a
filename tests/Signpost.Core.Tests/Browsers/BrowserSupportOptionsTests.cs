using Signpost.Core.Browsers;

namespace Signpost.Core.Tests.Browsers;

public sealed class BrowserSupportOptionsTests
{
    [Theory]
    [InlineData(TestBrowsers.Chrome155Windows, true)]
    [InlineData(TestBrowsers.Edge155Windows, true)]
    [InlineData(TestBrowsers.Firefox157Windows, true)]
    [InlineData(TestBrowsers.Safari26MacOs, true)]
    [InlineData(TestBrowsers.Chrome120Windows, false)]
    [InlineData(TestBrowsers.Firefox156Linux, false)]
    [InlineData(TestBrowsers.Safari18MacOs, false)]
    [InlineData(TestBrowsers.Safari26Ios, false)]
    [InlineData(TestBrowsers.HeadlessChrome141Linux, false)]
    [InlineData(TestBrowsers.InternetExplorer11, false)]
    [InlineData(TestBrowsers.Opera123Windows, false)]
    [InlineData("", false)]
    public void IsSupported_AgainstTheMatrix_AcceptsOnlyListedFamiliesAtOrAboveTheMinimum(string userAgent, bool expected)
    {
        // Arrange
        var options = TestBrowsers.Matrix();
        var browser = UserAgentParser.Parse(userAgent);

        // Act
        var supported = options.IsSupported(browser);

        // Assert
        Assert.Equal(expected, supported);
    }

    [Fact]
    public void IsSupported_FamilyWithoutMajorVersion_ReturnsFalse()
    {
        // Arrange
        var options = TestBrowsers.Matrix();

        // Act
        var supported = options.IsSupported(new BrowserInfo("Chrome", null, null, "Windows"));

        // Assert
        Assert.False(supported);
    }

    [Fact]
    public void IsSupported_FamilyNameInOtherCase_StillMatches()
    {
        // Arrange
        var options = TestBrowsers.Matrix();

        // Act
        var supported = options.IsSupported(new BrowserInfo("safari", 26, "26.0", "MACOS"));

        // Assert
        Assert.True(supported);
    }

    [Fact]
    public void IsSupported_EmptyMatrix_SupportsNothing()
    {
        // Arrange
        var options = new BrowserSupportOptions();

        // Act
        var supported = options.IsSupported(UserAgentParser.Parse(TestBrowsers.Chrome155Windows));

        // Assert
        Assert.False(supported);
    }

    [Fact]
    public void Describe_Matrix_ListsEachFamilyWithItsSystems()
    {
        // Act
        var text = TestBrowsers.Matrix().Describe();

        // Assert
        Assert.Equal("Chrome 155+, Edge 155+, Firefox 157+, Safari 26+ (macOS)", text);
    }
}

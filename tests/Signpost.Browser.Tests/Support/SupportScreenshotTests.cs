using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;
using static Signpost.Browser.Tests.Docs.Screenshots;

namespace Signpost.Browser.Tests.Support;

/// <summary>docs/support-console.md's screenshots, taken from the running app so they never drift from the real pages.</summary>
public sealed class SupportScreenshotTests(SignpostBrowserFixture fixture, SupportServer support) : SupportTest(fixture, support)
{
    /// <summary>
    /// The support pages are long by nature (the client check, a diagnosis's steps, data points, and on the
    /// account page the hold-for-review form), and shown whole. The bound catches a page that runs away, not
    /// a page that grew by a form: the account page with holds measured 2,891 px.
    /// </summary>
    private const int MaxHeight = 5 * Height;

    [Fact]
    public async Task CantSignInAfterCheck_WritesScreenshot()
    {
        // Arrange
        var (cantSignIn, _) = await FailedSignInFollowedToCantSignInAsync(Width, Height);
        await cantSignIn.CheckAsync();
        await Expect(cantSignIn.ShownReason).ToBeVisibleAsync();

        // Act
        var path = await TakeAsync(cantSignIn.Page, "cant-sign-in.png");

        // Assert
        AssertPng(path, MaxHeight);
    }

    [Fact]
    public async Task SupportIncidentAndAccount_WritesScreenshots()
    {
        // Arrange
        var (_, _, incidentId) = await FiledHelpRequestAsync("The password is refused although I typed it carefully. Caps Lock is off.", Width, Height, screenshotOfFailure: true);
        var console = await SupportConsoleAsync(Width, Height);
        var incident = await IncidentPage.OpenAsync(console.Page, incidentId);
        Assert.True(await incident.ScreenshotNaturalWidthAsync() > 1);

        // Act
        var incidentPath = await TakeAsync(incident.Page, "support-incident.png");
        await incident.Page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "The account's timeline and diagnosis" }).ClickAsync();
        var account = await SupportAccountPage.ExpectAsync(incident.Page);
        await Expect(account.Diagnosis).ToBeVisibleAsync();
        var accountPath = await TakeAsync(account.Page, "support-account.png");

        // Assert
        AssertPng(incidentPath, MaxHeight);
        AssertPng(accountPath, MaxHeight);
    }
}

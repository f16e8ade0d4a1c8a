using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Signpost.Browser.Tests.Docs.Screenshots;

namespace Signpost.Browser.Tests.Docs;

/// <summary>The README's screenshots, taken from the running app so they never drift from the real page.</summary>
public sealed class ScreenshotTests(SignpostBrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task SignInPage_AfterFailedAttempt_WritesReadmeScreenshot()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(width: Width, height: Height), Demo.PracticePath);
        await signIn.SignInExpectingFailureAsync(Demo.Active, Demo.WrongPassword);

        // Act
        var path = await TakeAsync(signIn.Page, "sign-in.png");

        // Assert
        AssertPng(path);
    }

    [Fact]
    public async Task SignInPage_Empty_WritesScreenshot()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(width: Width, height: Height), Demo.PracticePath);

        // Act
        var path = await TakeAsync(signIn.Page, "sign-in-empty.png");

        // Assert
        AssertPng(path);
    }
}

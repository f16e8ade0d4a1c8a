using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.SignIn;

/// <summary>Browsers without JavaScript, and browsers that lose or block the form's cookie.</summary>
public sealed class BrowserConditionsTests(SignpostBrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task SignIn_JavaScriptDisabled_StillLandsOnHome()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(javaScript: false), Demo.PracticePath);

        // Act
        var home = await signIn.SignInAsync(Demo.Active, Demo.Password);

        // Assert
        await Expect(home.Heading).ToHaveTextAsync($"Welcome, {Demo.ActiveName}");
        await Expect(home.Practices).ToContainTextAsync(Demo.PracticeName);
    }

    /// <summary>
    /// Playwright cannot block cookies, so the anti-forgery cookie is cleared after the form loaded: the
    /// post comes back without it. With JavaScript the page reported that the browser accepts cookies,
    /// so the cookie was lost (a stale page); without JavaScript nothing says so, and cookies are blocked.
    /// </summary>
    [Theory]
    [InlineData(true, "stale_form")]
    [InlineData(false, "cookies_disabled")]
    public async Task SignIn_CookieGoneAfterFormLoaded_ShowsCookieReason(bool javaScript, string expectedCode)
    {
        // Arrange
        var page = await NewPageAsync(javaScript);
        var signIn = await SignInPage.OpenAsync(page, Demo.PracticePath);
        await page.Context.ClearCookiesAsync();

        // Act: the right password, so only the cookie can be the problem
        var failure = await signIn.SignInExpectingFailureAsync(Demo.Active, Demo.Password);

        // Assert
        Assert.Equal(expectedCode, await failure.CodeAsync());
        await Expect(failure.TraceId).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{32}$"));
        await Expect(failure.HelpLink).ToHaveAttributeAsync("href", $"/help/codes/{expectedCode}");
    }
}

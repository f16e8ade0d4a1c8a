using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.SignIn;

/// <summary>An expired password, proven, leads to the change page and then into the portal.</summary>
public sealed class PasswordExpiryTests(SignpostBrowserFixture fixture) : BrowserTest(fixture)
{
    private const string NewPassword = "a quieter river in late spring";

    [Fact]
    public async Task SignIn_ExpiredPassword_ChangePageThenNewPasswordSignsIn()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath);

        // Act: the old password opens the change page, which takes a 15+ character new one
        var change = await signIn.SignInExpectingPasswordChangeAsync(Demo.Expired, Demo.Password);
        await Expect(change.Notice).ToContainTextAsync("expired");
        var home = await change.ChangeAsync(Demo.Password, NewPassword);

        // Assert: in the portal now
        await Expect(home.Heading).ToHaveTextAsync($"Welcome, {Demo.ExpiredName}");
        await Expect(home.PasswordChangedNotice).ToBeVisibleAsync();

        // Assert: from a new browser the new password signs in and the old one no longer does
        var again = await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath)).SignInAsync(Demo.Expired, NewPassword);
        await Expect(again.Username).ToHaveTextAsync(Demo.Expired);
        var old = await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath)).SignInExpectingFailureAsync(Demo.Expired, Demo.Password);
        Assert.Equal("invalid_credentials", await old.CodeAsync());
    }
}

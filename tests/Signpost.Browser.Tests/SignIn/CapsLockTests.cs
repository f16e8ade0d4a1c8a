using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.SignIn;

/// <summary>The caps-lock warning by the password field (wwwroot/js/sign-in.js).</summary>
public sealed class CapsLockTests(SignpostBrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task PasswordField_TypingWithCapsLockOn_ShowsWarning()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath);
        await Expect(signIn.CapsLockWarning).ToBeHiddenAsync();

        // Act
        await signIn.PressKeyInPasswordAsync("R", capsLock: true);

        // Assert
        await Expect(signIn.CapsLockWarning).ToBeVisibleAsync();
        await Expect(signIn.CapsLockWarning).ToHaveTextAsync("Caps Lock is on.");
        await Expect(signIn.CapsLockWarning).ToHaveAttributeAsync("role", "status");
    }

    [Fact]
    public async Task PasswordField_CapsLockTurnedOff_HidesWarning()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath);
        await signIn.PressKeyInPasswordAsync("R", capsLock: true);
        await Expect(signIn.CapsLockWarning).ToBeVisibleAsync();

        // Act
        await signIn.PressKeyInPasswordAsync("i", capsLock: false);

        // Assert
        await Expect(signIn.CapsLockWarning).ToBeHiddenAsync();
    }

    [Fact]
    public async Task PasswordField_LeftWithCapsLockOn_HidesWarning()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath);
        await signIn.PressKeyInPasswordAsync("R", capsLock: true);
        await Expect(signIn.CapsLockWarning).ToBeVisibleAsync();

        // Act
        await signIn.Identifier.FocusAsync();

        // Assert
        await Expect(signIn.CapsLockWarning).ToBeHiddenAsync();
    }
}

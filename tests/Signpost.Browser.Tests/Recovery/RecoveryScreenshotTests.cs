using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;
using static Signpost.Browser.Tests.Docs.Screenshots;

namespace Signpost.Browser.Tests.Recovery;

/// <summary>
/// The recovery screenshots for the docs (docs/recovery.md), taken from the running app like the README's
/// (<see cref="Docs.ScreenshotTests"/>). Each uses its own demo account on this class's app.
/// </summary>
public sealed class RecoveryScreenshotTests(SignpostBrowserFixture fixture, RecoveryServer recovery)
    : BrowserTest(fixture), IClassFixture<RecoveryServer>
{
    protected override SignpostServer Server => recovery.Server;

    [Fact]
    public async Task ForgotPasswordPage_CheckYourEmail_WritesScreenshot()
    {
        // Arrange
        var request = await RecoveryRequestPage.OpenAsync(await NewPageAsync(width: Width, height: Height), RecoveryRequestPage.ForgotPasswordPath);
        await request.RequestAsync(Demo.Support);

        // Act
        var path = await TakeAsync(request.Page, "recovery-forgot.png");

        // Assert
        AssertPng(path);
    }

    [Fact]
    public async Task ResetPasswordPage_NewPasswordForm_WritesScreenshot()
    {
        // Arrange
        var page = await NewPageAsync(width: Width, height: Height);
        await (await RecoveryRequestPage.OpenAsync(page, RecoveryRequestPage.ForgotPasswordPath)).RequestAsync(Demo.Active);
        var reset = await ResetPasswordPage.OpenAsync(page, recovery.LinkIn(Assert.Single(await recovery.MailForAsync(Demo.ActiveEmail)), "/reset-password"));
        await Expect(reset.Username).ToHaveTextAsync(Demo.Active);

        // Act
        var path = await TakeAsync(page, "recovery-reset.png");

        // Assert
        AssertPng(path);
    }

    [Fact]
    public async Task UnlockConfirmPage_WritesScreenshot()
    {
        // Arrange
        var page = await NewPageAsync(width: Width, height: Height);
        await (await RecoveryRequestPage.OpenAsync(page, RecoveryRequestPage.UnlockPath)).RequestAsync(Demo.Locked);
        var confirm = await UnlockConfirmPage.OpenAsync(page, recovery.LinkIn(Assert.Single(await recovery.MailForAsync(Demo.LockedEmail)), "/unlock/confirm"));
        await Expect(confirm.UnlockButton).ToBeVisibleAsync();

        // Act
        var path = await TakeAsync(page, "recovery-unlock.png");

        // Assert
        AssertPng(path);
    }
}

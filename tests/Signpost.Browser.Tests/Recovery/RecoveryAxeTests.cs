using Microsoft.Playwright;
using Signpost.Browser.Tests.Accessibility;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Recovery;

/// <summary>
/// Every state of the recovery pages a person can meet passes axe's WCAG 2.1 A and AA rules with no violation
/// at all. Links are requested through the pages and read from the SMTP server; each test that needs one has
/// a demo account of its own on this class's app.
/// </summary>
public sealed class RecoveryAxeTests(SignpostBrowserFixture fixture, RecoveryServer recovery)
    : BrowserTest(fixture), IClassFixture<RecoveryServer>
{
    /// <summary>No account has it: the answer is the same, and nothing is sent or changed.</summary>
    private const string NobodysEmail = "nobody@riverside.example";

    /// <summary>Typed into new-password fields (never submitted): hidden states are not checked, so the guide must show.</summary>
    private const string TypedPassword = "a quiet morning at the riverside clinic";

    protected override SignpostServer Server => recovery.Server;

    [Theory]
    [InlineData(RecoveryRequestPage.ForgotPasswordPath)]
    [InlineData(RecoveryRequestPage.UnlockPath)]
    public async Task RequestPage_Axe_NoWcag21AAViolations(string path)
    {
        // Arrange
        var request = await RecoveryRequestPage.OpenAsync(await NewPageAsync(), path);

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(request.Page, path);
    }

    [Theory]
    [InlineData(RecoveryRequestPage.ForgotPasswordPath)]
    [InlineData(RecoveryRequestPage.UnlockPath)]
    public async Task RequestPageShowingCheckYourEmail_Axe_NoWcag21AAViolations(string path)
    {
        // Arrange
        var request = await RecoveryRequestPage.OpenAsync(await NewPageAsync(), path);
        await request.RequestAsync(NobodysEmail);

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(request.Page, $"{path} answering \"Check your email\"");
    }

    [Fact]
    public async Task RequestPageShowingFailure_Axe_NoWcag21AAViolations()
    {
        // Arrange: nothing typed.
        var request = await RecoveryRequestPage.OpenAsync(await NewPageAsync(), RecoveryRequestPage.ForgotPasswordPath);
        await request.SubmitButton.ClickAsync();
        Assert.Equal("invalid_request", await request.Failure.CodeAsync());

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(request.Page, "/forgot-password with a failure");
    }

    [Fact]
    public async Task ResetPasswordPage_ValidLinkWithStrengthGuide_Axe_NoWcag21AAViolations()
    {
        // Arrange: a password typed, so the strength guide shows below the field as well.
        var page = await NewPageAsync();
        var reset = await ResetPasswordPage.OpenAsync(page, await EmailedLinkAsync(page, Demo.Active, Demo.ActiveEmail, "/reset-password"));
        await reset.NewPassword.FillAsync(TypedPassword);
        await Expect(reset.StrengthGuide).ToContainTextAsync("Strength guide:");

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(page, "the reset page with a valid link and the strength guide");
    }

    [Fact]
    public async Task ResetPasswordPage_PasswordRefused_Axe_NoWcag21AAViolations()
    {
        // Arrange: too short, so the form stays with the failure above it.
        var page = await NewPageAsync();
        var reset = await ResetPasswordPage.OpenAsync(page, await EmailedLinkAsync(page, Demo.Support, Demo.SupportEmail, "/reset-password"));
        await reset.NewPassword.FillAsync("too short");
        await reset.Confirm.FillAsync("too short");
        await reset.SubmitButton.ClickAsync();
        Assert.Equal("password_not_accepted", await reset.Failure.CodeAsync());
        await Expect(reset.NewPassword).ToBeVisibleAsync();

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(page, "the reset page refusing a password");
    }

    [Fact]
    public async Task ResetPasswordPage_Done_Axe_NoWcag21AAViolations()
    {
        // Arrange
        var page = await NewPageAsync();
        var reset = await ResetPasswordPage.OpenAsync(page, await EmailedLinkAsync(page, Demo.Expired, Demo.ExpiredEmail, "/reset-password"));
        await reset.ResetAsync("eli writes a brand new sentence today");

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(page, "the reset page after the reset");
    }

    [Fact]
    public async Task ResetPasswordPage_InvalidLink_Axe_NoWcag21AAViolations()
    {
        // Arrange
        var reset = await ResetPasswordPage.OpenAsync(await NewPageAsync(), "/reset-password?token=not-a-link-we-sent");
        Assert.Equal("reset_link_invalid", await reset.Failure.CodeAsync());

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(reset.Page, "the reset page with an invalid link");
    }

    [Fact]
    public async Task UnlockConfirmPage_ValidLink_Axe_NoWcag21AAViolations()
    {
        // Arrange
        var page = await NewPageAsync();
        var confirm = await UnlockConfirmPage.OpenAsync(page, await EmailedLinkAsync(page, Demo.Locked, Demo.LockedEmail, "/unlock/confirm", RecoveryRequestPage.UnlockPath));
        await Expect(confirm.UnlockButton).ToBeVisibleAsync();

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(page, "the unlock confirm page");
    }

    [Fact]
    public async Task ActivatePage_ValidLinkWithStrengthGuide_Axe_NoWcag21AAViolations()
    {
        // Arrange
        var page = await NewPageAsync();
        var activate = await ActivatePage.OpenAsync(page, await EmailedLinkAsync(page, Demo.Pending, Demo.PendingEmail, "/activate"));
        await activate.NewPassword.FillAsync(TypedPassword);
        await Expect(activate.StrengthGuide).ToContainTextAsync("Strength guide:");

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(page, "the activation page with the strength guide");
    }

    [Fact]
    public async Task AccountPasswordPage_SignedInWithStrengthGuide_Axe_NoWcag21AAViolations()
    {
        // Arrange
        var home = await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath)).SignInAsync(Demo.Admin, Demo.Password);
        var password = await AccountPasswordPage.OpenAsync(home.Page);
        await password.NewPassword.FillAsync(TypedPassword);
        await Expect(password.StrengthGuide).ToContainTextAsync("Strength guide:");

        // Act + Assert
        await Wcag21AA.AssertNoViolationsAsync(home.Page, AccountPasswordPage.Path + " with the strength guide");
    }

    /// <summary>Asks for a link on <paramref name="requestPath"/> and returns the one emailed to <paramref name="email"/>.</summary>
    private async Task<string> EmailedLinkAsync(IPage page, string identifier, string email, string linkPath, string requestPath = RecoveryRequestPage.ForgotPasswordPath)
    {
        await (await RecoveryRequestPage.OpenAsync(page, requestPath)).RequestAsync(identifier);
        return recovery.LinkIn(Assert.Single(await recovery.MailForAsync(email)), linkPath);
    }
}

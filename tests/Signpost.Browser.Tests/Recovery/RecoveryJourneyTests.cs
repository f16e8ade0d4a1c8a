using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Recovery;

/// <summary>
/// Self-service recovery as a person meets it in Chromium: from the sign-in page to the email (read from a
/// real SMTP server), through the emailed link, back to a working sign-in. Each test has a demo account
/// of its own on this class's app (<see cref="RecoveryServer"/>), so their order does not matter.
/// </summary>
public sealed partial class RecoveryJourneyTests(SignpostBrowserFixture fixture, RecoveryServer recovery)
    : BrowserTest(fixture), IClassFixture<RecoveryServer>
{
    private const string NewPassword = "a quiet morning at the riverside clinic";

    protected override SignpostServer Server => recovery.Server;

    [Fact]
    public async Task ForgotPassword_FromSignInPage_EmailedLinkSetsNewPassword_ThatSignsIn()
    {
        var page = await NewPageAsync();

        // Sign-in page → "Forgot your password?" → the account's email address → "Check your email".
        var request = await (await SignInPage.OpenAsync(page, Demo.PracticePath)).FollowForgotPasswordLinkAsync();
        await request.RequestAsync(Demo.ActiveEmail);
        await Expect(request.Answer).ToHaveAttributeAsync("data-code", "reset_requested");
        await Expect(request.AnswerTraceId).ToHaveTextAsync(TraceIdFormat());

        // The email, with a link to this app.
        var mail = Assert.Single(await recovery.MailForAsync(Demo.ActiveEmail));
        Assert.Equal("Reset your Signpost password", mail.Subject);

        // The link → the new password twice → "Your password is changed".
        var reset = await ResetPasswordPage.OpenAsync(page, recovery.LinkIn(mail, "/reset-password"));
        await Expect(reset.Username).ToHaveTextAsync(Demo.Active);
        await reset.ResetAsync(NewPassword);
        await Expect(reset.Done).ToHaveAttributeAsync("data-code", "password_reset");
        await Expect(reset.Done).ToContainTextAsync("Your password is changed.");

        // "Go to sign-in" → the new password → home.
        var home = await (await reset.GoToSignInAsync()).SignInAsync(Demo.Active, NewPassword);
        await Expect(home.Heading).ToHaveTextAsync($"Welcome, {Demo.ActiveName}");
        await Expect(home.Username).ToHaveTextAsync(Demo.Active);

        // The confirmation email arrived, pointing back at this app's sign-in page.
        var confirmation = (await recovery.MailForAsync(Demo.ActiveEmail, 2))[1];
        Assert.Equal("Your Signpost password was changed", confirmation.Subject);
        Assert.Contains($"({Demo.Active}) was changed", confirmation.Text, StringComparison.Ordinal);
        Assert.Contains($"{Server.BaseAddress}sign-in", confirmation.Text, StringComparison.Ordinal);

        // The old password is over, in any browser.
        var old = await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath)).SignInExpectingFailureAsync(Demo.Active, Demo.Password);
        Assert.Equal("invalid_credentials", await old.CodeAsync());
    }

    [Fact]
    public async Task Unlock_FromSignInPage_EmailSaysUntilWhen_LinkAndButtonUnlock_DemoPasswordSignsIn()
    {
        var page = await NewPageAsync();

        // Sign-in page → "Account locked?" → the username → "Check your email".
        var request = await (await SignInPage.OpenAsync(page, Demo.PracticePath)).FollowAccountLockedLinkAsync();
        await request.RequestAsync(Demo.Locked);
        await Expect(request.Answer).ToHaveAttributeAsync("data-code", "unlock_requested");

        // The email says until when: the demo locks the account for a day at start-up.
        var mail = Assert.Single(await recovery.MailForAsync(Demo.LockedEmail));
        Assert.Equal("Unlock your Signpost account", mail.Subject);
        var until = LockedUntil(mail.Text);
        Assert.InRange(until, recovery.StartedAt.AddDays(1).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1).AddMinutes(1)); // rounded up to the minute

        // The link names the account and waits for the button; the button unlocks.
        var confirm = await UnlockConfirmPage.OpenAsync(page, recovery.LinkIn(mail, "/unlock/confirm"));
        await Expect(confirm.Username).ToHaveTextAsync(Demo.Locked);
        await confirm.UnlockAsync();
        await Expect(confirm.Unlocked).ToHaveAttributeAsync("data-code", "account_unlocked");

        // "Go to sign-in" → the demo password → home.
        var home = await (await confirm.GoToSignInAsync()).SignInAsync(Demo.Locked, Demo.Password);
        await Expect(home.Username).ToHaveTextAsync(Demo.Locked);

        // The lock is gone for every browser, not only the one the link trusted.
        var elsewhere = await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath)).SignInAsync(Demo.Locked, Demo.Password);
        await Expect(elsewhere.Username).ToHaveTextAsync(Demo.Locked);
    }

    [Fact]
    public async Task ForgotPassword_PendingAccount_EmailsActivationLink_ThatSetsFirstPassword()
    {
        const string FirstPassword = "pat picks a first sentence of their own";
        var page = await NewPageAsync();

        // Sign-in page → "Forgot your password?" → the username of an account that never had a password.
        var request = await (await SignInPage.OpenAsync(page, Demo.PracticePath)).FollowForgotPasswordLinkAsync();
        await request.RequestAsync(Demo.Pending);
        await Expect(request.Answer).ToHaveAttributeAsync("data-code", "reset_requested");

        // An activation email, not a reset one.
        var mail = Assert.Single(await recovery.MailForAsync(Demo.PendingEmail));
        Assert.Equal("Activate your Signpost account", mail.Subject);
        Assert.Contains($"Your username is {Demo.Pending}.", mail.Text, StringComparison.Ordinal);

        // The link → the first password twice → activated.
        var activate = await ActivatePage.OpenAsync(page, recovery.LinkIn(mail, "/activate"));
        await Expect(activate.Intro).ToContainTextAsync(Demo.Pending);
        await activate.ActivateAsync(FirstPassword);
        await Expect(activate.Activated).ToContainTextAsync("Your password is set and your account is active.");

        // "Go to sign-in" → the new password → home.
        var home = await (await activate.GoToSignInAsync()).SignInAsync(Demo.Pending, FirstPassword);
        await Expect(home.Heading).ToHaveTextAsync($"Welcome, {Demo.PendingName}");
    }

    [Fact]
    public async Task ResetLink_Tampered_ShowsLinkNotValidWithTraceId_AndNoForm()
    {
        // Arrange: a real link, one character changed.
        var page = await NewPageAsync();
        await (await RecoveryRequestPage.OpenAsync(page, RecoveryRequestPage.ForgotPasswordPath)).RequestAsync(Demo.Admin);
        var link = recovery.LinkIn(Assert.Single(await recovery.MailForAsync(Demo.AdminEmail)), "/reset-password");

        // Act
        var reset = await ResetPasswordPage.OpenAsync(page, RecoveryServer.Tampered(link));

        // Assert: the reason, its trace ID and help, a way on, and no password form.
        Assert.Equal("reset_link_invalid", await reset.Failure.CodeAsync());
        await Expect(reset.Failure.Box).ToHaveAttributeAsync("role", "alert");
        await Expect(reset.Failure.Title).ToHaveTextAsync("Link not valid");
        await Expect(reset.Failure.TraceId).ToHaveTextAsync(TraceIdFormat());
        await Expect(reset.Failure.HelpLink).ToHaveAttributeAsync("href", "/help/codes/reset_link_invalid");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Request a new link" })).ToHaveAttributeAsync("href", RecoveryRequestPage.ForgotPasswordPath);
        await Expect(reset.NewPassword).ToHaveCountAsync(0);

        // The link as it arrived still opens the form: only the changed character made the difference.
        var untouched = await ResetPasswordPage.OpenAsync(await NewPageAsync(), link);
        await Expect(untouched.Username).ToHaveTextAsync(Demo.Admin);
    }

    /// <summary>"The lock ends at … , Fri 29 Nov 2026 20:52 UTC" in the unlock email.</summary>
    private static DateTimeOffset LockedUntil(string text)
    {
        var match = LockedUntilPattern().Match(text);
        Assert.True(match.Success, $"No \"The lock ends at\" in the email:\n{text}");
        return DateTimeOffset.ParseExact(match.Groups["at"].Value, "ddd d MMM yyyy HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceIdFormat();

    [GeneratedRegex(@"The lock ends at [^\n]*?(?<at>\w{3} \d{1,2} \w{3} \d{4} \d{2}:\d{2}) UTC")]
    private static partial Regex LockedUntilPattern();
}

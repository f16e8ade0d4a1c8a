using System.Net;
using AngleSharp.Html.Dom;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.Tokens;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Recovery;

/// <summary>Self-service unlock: the email says until when, the link trusts the browser, a click unlocks.</summary>
public sealed class UnlockTests(RecoveryApp app) : IClassFixture<RecoveryApp>
{
    [Fact]
    public async Task Unlock_LockedAccount_EmailSaysUntilWhen_LinkTrustsBrowser_ClickUnlocks()
    {
        // Arrange: an attacker's wrong passwords locked the account for untrusted browsers.
        var account = await app.MemberAsync("lou");
        await app.LockAsync(account.Id, TimeSpan.FromMinutes(15));
        using var browser = app.CreateBrowser();

        // Act
        var answer = await ForgotPasswordTests.RequestAsync(browser, "/unlock", account.Npi ?? account.Username);
        var mail = Assert.Single(await app.MailForAsync(account.Email));
        var link = RecoveryApp.LinkIn(mail, "/unlock/confirm");
        var (_, page) = await browser.GetPageAsync(link);
        var trusted = browser.Cookie(Signpost.Core.Devices.DeviceCookies.CookieName(account.Id));
        var stillLocked = await app.LocksAsync(account.Id);
        var done = await TestBrowser.ParseAsync(await browser.SubmitAsync(HtmlForm.From(page, link)));

        // Assert
        Assert.Equal(ReasonCodes.UnlockRequested, answer.QuerySelector("[data-testid=answer]")?.GetAttribute("data-code"));
        Assert.Equal("Unlock your Signpost account", mail.Subject);
        Assert.Contains("locked for browsers it does not know, after 10 wrong passwords", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"The lock ends at {(app.Now + TimeSpan.FromMinutes(15)).AddHours(-6):ddd d MMM yyyy HH:mm} (America/Chicago), {(app.Now + TimeSpan.FromMinutes(15)).UtcDateTime:ddd d MMM yyyy HH:mm} UTC — in about 15 minutes.", mail.Text, StringComparison.Ordinal);
        Assert.NotNull(trusted);
        Assert.NotEmpty(stillLocked);
        Assert.NotNull(done.QuerySelector("[data-testid=unlocked]"));
        Assert.Empty(await app.LocksAsync(account.Id));
        var token = Assert.Single(await app.TokensAsync(account.Id));
        Assert.Equal(ActionTokenPurpose.Unlock, token.Purpose);
        Assert.NotNull(token.UsedAt);
        var unlocked = Assert.Single(await app.EventsForAccountAsync(account.Id), e => e.ReasonCode == ReasonCodes.AccountUnlocked);
        Assert.Equal(SignInMethod.Unlock, unlocked.Method);
        Assert.Equal("1 lock(s) cleared.", unlocked.Detail);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(account.Username, TestAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task Unlock_LinkOpenedButNotClicked_ChangesNothing_AndAScannerCannotUseItUp()
    {
        var account = await app.MemberAsync("scan");
        await app.LockAsync(account.Id, TimeSpan.FromMinutes(15));
        using var browser = app.CreateBrowser();
        await ForgotPasswordTests.RequestAsync(browser, "/unlock", account.Username);
        var link = RecoveryApp.LinkIn(Assert.Single(await app.MailForAsync(account.Email)), "/unlock/confirm");

        using var scanner = app.CreateBrowser(handleCookies: false, userAgent: null);
        await scanner.GetAsync(link);
        await scanner.GetAsync(link);

        Assert.NotEmpty(await app.LocksAsync(account.Id));
        Assert.Null(Assert.Single(await app.TokensAsync(account.Id)).UsedAt);
    }

    [Fact]
    public async Task Unlock_AccountNotLocked_SameAnswer_EmailOffersAReset()
    {
        var account = await app.MemberAsync("free");
        using var browser = app.CreateBrowser();

        var answer = await ForgotPasswordTests.RequestAsync(browser, "/unlock", account.Username);
        var mail = Assert.Single(await app.MailForAsync(account.Email));

        Assert.Equal(ReasonCodes.UnlockRequested, answer.QuerySelector("[data-testid=answer]")?.GetAttribute("data-code"));
        Assert.Equal("Reset your Signpost password", mail.Subject);
        Assert.Contains("it is not locked", mail.Text, StringComparison.Ordinal);
        RecoveryApp.LinkIn(mail, "/reset-password");
        var recorded = await app.EventAsync(answer.QuerySelector("[data-testid=trace-id]")!.TextContent);
        Assert.Equal(SignInMethod.Unlock, recorded.Method);
        Assert.Contains("(the account is not locked)", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unlock_UsedLink_IsAlreadyUsed_AndAResetLinkIsNotAnUnlockLink()
    {
        var account = await app.MemberAsync("twice");
        await app.LockAsync(account.Id, TimeSpan.FromMinutes(15));
        using var browser = app.CreateBrowser();
        await ForgotPasswordTests.RequestAsync(browser, "/unlock", account.Username);
        var link = RecoveryApp.LinkIn(Assert.Single(await app.MailForAsync(account.Email)), "/unlock/confirm");
        var (_, page) = await browser.GetPageAsync(link);
        var form = HtmlForm.From(page, link);
        await browser.SubmitAsync(form);

        var again = await TestBrowser.ParseAsync(await browser.SubmitAsync(form));
        await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", account.Username);
        var resetLink = RecoveryApp.LinkIn((await app.MailForAsync(account.Email, 2))[1], "/reset-password");
        var (_, wrongKind) = await browser.GetPageAsync("/unlock/confirm?token=" + RecoveryApp.TokenOf(resetLink));

        Assert.Equal(ReasonCodes.ResetLinkUsed, Code(again));
        Assert.Equal(ReasonCodes.ResetLinkInvalid, Code(wrongKind));
        Assert.Equal(ReasonCodes.ResetLinkUsed, (await app.EventAsync(again.QuerySelector("[data-testid=failure] [data-testid=trace-id]")!.TextContent)).ReasonCode);
    }

    [Fact]
    public async Task ForgotPassword_WhileLocked_StillWorks_AndTheResetClearsTheLock()
    {
        var account = await app.MemberAsync("lockreset");
        await app.LockAsync(account.Id, TimeSpan.FromHours(1));
        using var browser = app.CreateBrowser();

        await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", account.Username);
        var link = RecoveryApp.LinkIn(Assert.Single(await app.MailForAsync(account.Email)), "/reset-password");
        var (_, page) = await browser.GetPageAsync(link);
        var done = await TestBrowser.ParseAsync(await browser.SubmitAsync(HtmlForm.From(page, link),
            [new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)]));

        Assert.NotNull(done.QuerySelector("[data-testid=reset-done]"));
        Assert.Empty(await app.LocksAsync(account.Id));
        using var elsewhere = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.ApiSignInAsync(account.Username, TestAccounts.NewPassword)).StatusCode);
    }

    private static string? Code(IHtmlDocument page) => page.QuerySelector("[data-testid=failure]")?.GetAttribute("data-code");
}

using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.Tokens;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Recovery;

/// <summary>Forgot password over a real SMTP server: the link, the reset, and what the reset leaves behind.</summary>
public sealed class ForgotPasswordTests(RecoveryApp app) : IClassFixture<RecoveryApp>
{
    [Fact]
    public async Task ForgotPassword_KnownAccount_EmailsLink_ResetEndsSessionsClearsLockTrustsBrowserAndDoesNotSignIn()
    {
        // Arrange: an account signed in elsewhere and locked for untrusted browsers.
        var practice = TestAccounts.Unique("forgot");
        await app.CreateOrganizationAsync(practice, "Forgot Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("fay"), practice);
        using var elsewhere = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.SignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        await app.LockAsync(account.Id, TimeSpan.FromMinutes(15));
        using var browser = app.CreateBrowser();

        // Act: ask for a link by email address, follow it, choose a new password.
        var answer = await RequestAsync(browser, "/forgot-password", account.Email);
        var mail = Assert.Single(await app.MailForAsync(account.Email));
        var link = RecoveryApp.LinkIn(mail, "/reset-password");
        var (opened, page) = await browser.GetPageAsync(link);
        var deviceCookie = browser.Cookie(Signpost.Core.Devices.DeviceCookies.CookieName(account.Id));
        var form = HtmlForm.From(page, link);
        var done = await TestBrowser.ParseAsync(await browser.SubmitAsync(form, [new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)]));

        // Assert: the same answer everybody gets, a link to the configured host, a trusted browser, a reset.
        Assert.Equal(ReasonCodes.ResetRequested, answer.QuerySelector("[data-testid=answer]")?.GetAttribute("data-code"));
        Assert.Equal("Reset your Signpost password", mail.Subject);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal(account.Username, page.QuerySelector("[data-testid=username]")?.TextContent);
        Assert.NotNull(deviceCookie);
        Assert.NotNull(done.QuerySelector("[data-testid=reset-done]"));
        Assert.Null(browser.Cookie("sp_session"));

        // The old session is over, the lock is gone, the link is used, a confirmation arrived.
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.GetAsync("/")).StatusCode);
        Assert.Empty(await app.LocksAsync(account.Id));
        var token = Assert.Single(await app.TokensAsync(account.Id), t => t.Purpose == ActionTokenPurpose.PasswordReset);
        Assert.NotNull(token.UsedAt);
        Assert.Equal(LinkTokens.Hash(RecoveryApp.TokenOf(link)), token.TokenHash);
        var confirmation = (await app.MailForAsync(account.Email, 2))[1];
        Assert.Equal("Your Signpost password was changed", confirmation.Subject);

        // The new password signs in, the old one does not.
        using var later = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await later.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await later.ApiSignInAsync(account.Username, TestAccounts.NewPassword)).StatusCode);

        var events = await app.EventsForAccountAsync(account.Id);
        var requested = Assert.Single(events, e => e.ReasonCode == ReasonCodes.ResetRequested);
        Assert.Equal(SignInMethod.PasswordReset, requested.Method);
        Assert.Equal("email", requested.IdentifierKind);
        Assert.StartsWith("Queued a password reset link for email", requested.Detail, StringComparison.Ordinal);
        var reset = Assert.Single(events, e => e.ReasonCode == ReasonCodes.PasswordReset);
        Assert.True(reset.Succeeded);
        Assert.Contains("1 session(s) ended, 1 lock(s) cleared; confirmation queued for email", reset.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgotPassword_UnknownIdentifier_SameAnswerNoEmail_EventSaysNoAccount()
    {
        // Arrange
        var known = await app.MemberAsync("kim");
        var unknownEmail = $"{TestAccounts.Unique("nobody")}@clinic.example";
        using var browser = app.CreateBrowser();

        // Act
        var forKnown = await RequestAsync(browser, "/forgot-password", known.Username);
        var forUnknown = await RequestAsync(browser, "/forgot-password", unknownEmail);

        // Assert: the pages say the same thing; only the known account got mail.
        Assert.Equal(Answer(forKnown), Answer(forUnknown));
        await app.MailForAsync(known.Email);
        Assert.Empty(app.MailFor(unknownEmail));
        var traceId = forUnknown.QuerySelector("[data-testid=trace-id]")!.TextContent;
        var recorded = await app.EventAsync(traceId);
        Assert.Equal(ReasonCodes.ResetRequested, recorded.ReasonCode);
        Assert.Null(recorded.AccountId);
        Assert.Equal("No account has this email; no email sent.", recorded.Detail);
    }

    [Fact]
    public async Task ForgotPassword_PendingAccount_GetsActivationLink_ThatActivates()
    {
        // Arrange: created without a password.
        var account = await app.MemberAsync("pat", password: null);
        using var browser = app.CreateBrowser();

        // Act
        await RequestAsync(browser, "/forgot-password", account.Username);
        var mail = Assert.Single(await app.MailForAsync(account.Email));
        var link = RecoveryApp.LinkIn(mail, "/activate");
        var (_, page) = await browser.GetPageAsync(link);
        var form = HtmlForm.From(page, link);
        await browser.SubmitAsync(form, [new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)]);

        // Assert
        Assert.Equal("Activate your Signpost account", mail.Subject);
        var stored = await app.WithDbAsync(db => db.Accounts.AsNoTracking().SingleAsync(a => a.Id == account.Id));
        Assert.Equal(AccountStatus.Active, stored.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(account.Username, TestAccounts.NewPassword)).StatusCode);
    }

    [Fact]
    public async Task ForgotPassword_DisabledAccount_SameAnswerNoEmail()
    {
        var account = await app.MemberAsync("dis");
        await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AccountStatus.Disabled)));
        using var browser = app.CreateBrowser();

        var page = await RequestAsync(browser, "/forgot-password", account.Username);

        Assert.Equal(ReasonCodes.ResetRequested, page.QuerySelector("[data-testid=answer]")?.GetAttribute("data-code"));
        var recorded = await app.EventAsync(page.QuerySelector("[data-testid=trace-id]")!.TextContent);
        Assert.Equal("The account is disabled (a practice administrator re-enables it); no email sent.", recorded.Detail);
        await Task.Delay(300);
        Assert.Empty(app.MailFor(account.Email));
    }

    [Fact]
    public async Task ForgotPassword_PerAccountLimit_FourthRequestAnswersTheSameButSendsNothing()
    {
        // Arrange
        var account = await app.MemberAsync("lim");
        using var browser = app.CreateBrowser();

        // Act: four requests in a row (the default limit is three links per 15 minutes).
        IHtmlDocument? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = await RequestAsync(browser, "/forgot-password", account.Username);
        }

        // Assert: the fourth looks like the others; support sees the limit; only three emails, and only the newest link works.
        Assert.Equal(ReasonCodes.ResetRequested, last!.QuerySelector("[data-testid=answer]")?.GetAttribute("data-code"));
        var recorded = await app.EventAsync(last.QuerySelector("[data-testid=trace-id]")!.TextContent);
        Assert.Equal(ReasonCodes.RateLimited, recorded.ReasonCode);
        Assert.Equal(ReasonCodes.ResetRequested, recorded.ShownReasonCode);
        var mails = await app.MailForAsync(account.Email, 3);
        await Task.Delay(300);
        Assert.Equal(3, app.MailFor(account.Email).Count);
        var tokens = await app.TokensAsync(account.Id);
        Assert.Equal(3, tokens.Count);
        Assert.Equal(2, tokens.Count(t => t.UsedAt is not null));
        var (_, older) = await browser.GetPageAsync(RecoveryApp.LinkIn(mails[0], "/reset-password"));
        Assert.Equal(ReasonCodes.ResetLinkUsed, older.QuerySelector("[data-testid=failure]")?.GetAttribute("data-code"));
    }

    [Fact]
    public async Task ForgotPassword_PerAddressLimit_EleventhRequestFromOneAddressIsRateLimitedVisibly()
    {
        using var browser = app.CreateBrowser();
        browser.Http.DefaultRequestHeaders.Add(RecoveryApp.ClientIpHeader, "198.51.100.77");

        IHtmlDocument? page = null;
        for (var i = 0; i < 11; i++)
        {
            page = await RequestAsync(browser, "/forgot-password", $"{TestAccounts.Unique("probe")}@clinic.example");
        }

        var failure = page!.QuerySelector("[data-testid=failure]");
        Assert.Equal(ReasonCodes.RateLimited, failure?.GetAttribute("data-code"));
        var recorded = await app.EventAsync(page.QuerySelector("[data-testid=trace-id]")!.TextContent);
        Assert.Equal(ReasonCodes.RateLimited, recorded.ReasonCode);
        Assert.Equal("198.51.100.77", recorded.ClientIp);
        Assert.StartsWith("10 recovery requests from 198.51.100.77", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgotPassword_HostileInput_AnswersWithReasonsNeverA500()
    {
        using var browser = app.CreateBrowser();

        var empty = await RequestAsync(browser, "/forgot-password", "");
        var huge = await RequestAsync(browser, "/forgot-password", new string('a', 5000));
        var control = await RequestAsync(browser, "/forgot-password", "bob\u0000\r\nInjected: yes");
        var noForm = await browser.Http.PostAsync(new Uri("/forgot-password", UriKind.Relative), new StringContent("{\"identifier\":1}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(ReasonCodes.InvalidRequest, empty.QuerySelector("[data-testid=failure]")?.GetAttribute("data-code"));
        Assert.Equal(ReasonCodes.InvalidRequest, huge.QuerySelector("[data-testid=failure]")?.GetAttribute("data-code"));
        Assert.Equal(ReasonCodes.InvalidRequest, control.QuerySelector("[data-testid=failure]")?.GetAttribute("data-code"));
        Assert.Equal(HttpStatusCode.OK, noForm.StatusCode);
        var noFormPage = await TestBrowser.ParseAsync(noForm);
        Assert.Equal(ReasonCodes.InvalidRequest, noFormPage.QuerySelector("[data-testid=failure]")?.GetAttribute("data-code"));
        var recorded = await app.EventAsync(control.QuerySelector("[data-testid=trace-id]")!.TextContent);
        Assert.DoesNotContain('\n', recorded.Identifier ?? "");
    }

    internal static async Task<IHtmlDocument> RequestAsync(TestBrowser browser, string path, string identifier)
    {
        var form = await browser.OpenFormAsync(path);
        var response = await browser.SubmitAsync(form, [new("identifier", identifier)]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestBrowser.ParseAsync(response);
    }

    private static string Answer(IHtmlDocument page) => page.QuerySelector("[data-testid=answer] p")!.TextContent;
}

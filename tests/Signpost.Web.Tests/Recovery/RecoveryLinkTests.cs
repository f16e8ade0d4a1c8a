using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Organizations;
using Signpost.Core.Passwords;
using Signpost.Core.Reasons;
using Signpost.Web.Setup;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Recovery;

/// <summary>
/// Broken, used, expired and borrowed links: each its own reason on the page and in an event, nothing
/// changed, never a 500.
/// </summary>
public sealed class RecoveryLinkTests(RecoveryApp app) : IClassFixture<RecoveryApp>
{
    public static TheoryData<string> Mangles => ["tampered", "truncated", "extended", "garbage", "empty", "huge"];

    [Theory]
    [MemberData(nameof(Mangles))]
    public async Task ResetLink_Mangled_IsInvalid_WithEventAndNothingChanged(string how)
    {
        // Arrange
        var (account, link) = await ResetLinkAsync();
        var token = RecoveryApp.TokenOf(link);
        var mangled = how switch
        {
            "tampered" => token[..^1] + (token[^1] == 'A' ? 'B' : 'A'),
            "truncated" => token[..20],
            "extended" => token + "x",
            "garbage" => "<script>alert(1)</script>",
            "empty" => "",
            _ => new string('A', 100_00),
        };
        using var browser = app.CreateBrowser();

        // Act: open it, and post a new password with it as if the form had been forged.
        var (opened, page) = await browser.GetPageAsync("/reset-password?token=" + Uri.EscapeDataString(mangled));
        var stamp = await browser.OpenFormAsync("/forgot-password");
        var posted = await browser.Http.PostAsync(new Uri("/reset-password", UriKind.Relative), new FormUrlEncodedContent(
            stamp.With([new("token", mangled), new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)])));
        var postedPage = await TestBrowser.ParseAsync(posted);

        // Assert
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(ReasonCodes.ResetLinkInvalid, Code(page));
        Assert.Equal(ReasonCodes.ResetLinkInvalid, Code(postedPage));
        var recorded = await app.EventAsync(TraceId(postedPage));
        Assert.Equal(SignInMethod.PasswordReset, recorded.Method);
        Assert.Equal(ReasonCodes.ResetLinkInvalid, recorded.ReasonCode);
        Assert.Null(recorded.AccountId);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task ResetLink_UsedTwice_SecondIsAlreadyUsed()
    {
        var (account, link) = await ResetLinkAsync();
        using var browser = app.CreateBrowser();
        Assert.NotNull((await ResetAsync(browser, link, TestAccounts.NewPassword)).QuerySelector("[data-testid=reset-done]"));

        var (_, again) = await browser.GetPageAsync(link);
        var replay = await PostResetAsync(browser, RecoveryApp.TokenOf(link), "another brand new sentence entirely");

        Assert.Equal(ReasonCodes.ResetLinkUsed, Code(again));
        Assert.Equal(ReasonCodes.ResetLinkUsed, Code(replay));
        var recorded = await app.EventAsync(TraceId(replay));
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.Equal(ReasonCodes.ResetLinkUsed, recorded.ReasonCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(account.Username, TestAccounts.NewPassword)).StatusCode);
    }

    [Fact]
    public async Task ResetLink_After30Minutes_IsExpired()
    {
        var (account, link) = await ResetLinkAsync();
        using var browser = app.CreateBrowser();
        var (_, fresh) = await browser.GetPageAsync(link);

        app.Clock.Advance(TimeSpan.FromMinutes(30));
        var late = await PostResetAsync(browser, RecoveryApp.TokenOf(link), TestAccounts.NewPassword, HtmlForm.From(fresh, link));

        Assert.Equal(ReasonCodes.ResetLinkExpired, Code(late));
        Assert.Equal(ReasonCodes.ResetLinkExpired, (await app.EventAsync(TraceId(late))).ReasonCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task ResetLink_AfterAnyPasswordChange_IsVoid()
    {
        // Arrange: a link, then the password changes another way (the signed-in change page).
        var (account, link) = await ResetLinkAsync();
        using var owner = app.CreateBrowser();
        await owner.SignInAsync(account.Username, TestAccounts.Password);
        app.Clock.Advance(TimeSpan.FromSeconds(5));
        var change = await owner.OpenFormAsync("/account/password");
        var changed = await owner.SubmitAsync(change, [new("current", TestAccounts.Password), new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)]);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        // Act
        using var browser = app.CreateBrowser();
        var (_, page) = await browser.GetPageAsync(link);

        // Assert
        Assert.Equal(ReasonCodes.ResetLinkUsed, Code(page));
        Assert.Equal(account.Id, (await app.EventAsync(TraceId(page))).AccountId);
    }

    [Fact]
    public async Task ResetLink_OpenedWhileSignedInAsSomeoneElse_IsRefused()
    {
        var (victim, link) = await ResetLinkAsync();
        var colleague = await app.MemberAsync("col");
        using var shared = app.CreateBrowser();
        await shared.SignInAsync(colleague.Username, TestAccounts.Password);

        var (_, page) = await shared.GetPageAsync(link);
        var posted = await PostResetAsync(shared, RecoveryApp.TokenOf(link), TestAccounts.NewPassword);

        Assert.Equal(ReasonCodes.ResetLinkOtherAccount, Code(page));
        Assert.Equal(ReasonCodes.ResetLinkOtherAccount, Code(posted));
        Assert.Null(shared.Cookie(Signpost.Core.Devices.DeviceCookies.CookieName(victim.Id)));
        Assert.Equal(ReasonCodes.ResetLinkOtherAccount, (await app.EventAsync(TraceId(posted))).ReasonCode);
        Assert.Equal(HttpStatusCode.OK, (await shared.ApiSignInAsync(victim.Username, TestAccounts.Password)).StatusCode);
    }

    [Fact]
    public async Task UnlockLink_OnTheResetPage_IsNotAResetLink()
    {
        var account = await app.MemberAsync("ul");
        await app.LockAsync(account.Id, TimeSpan.FromMinutes(15));
        using var browser = app.CreateBrowser();
        await ForgotPasswordTests.RequestAsync(browser, "/unlock", account.Username);
        var unlockLink = RecoveryApp.LinkIn(Assert.Single(await app.MailForAsync(account.Email)), "/unlock/confirm");

        var page = await PostResetAsync(browser, RecoveryApp.TokenOf(unlockLink), TestAccounts.NewPassword);

        Assert.Equal(ReasonCodes.ResetLinkInvalid, Code(page));
        Assert.NotEmpty(await app.LocksAsync(account.Id));
    }

    [Fact]
    public async Task ResetLink_TwoConcurrentUses_ExactlyOneWins()
    {
        var (account, link) = await ResetLinkAsync();
        using var first = app.CreateBrowser();
        using var second = app.CreateBrowser();
        var firstForm = HtmlForm.From((await first.GetPageAsync(link)).Document, link);
        var secondForm = HtmlForm.From((await second.GetPageAsync(link)).Document, link);

        var pages = await Task.WhenAll(
            SubmitResetAsync(first, firstForm, "the first of two new sentences"),
            SubmitResetAsync(second, secondForm, "the second of two new sentences"));

        var winners = pages.Count(p => p.QuerySelector("[data-testid=reset-done]") is not null);
        Assert.Equal(1, winners);
        var loser = Assert.Single(pages, p => p.QuerySelector("[data-testid=reset-done]") is null);
        Assert.Equal(ReasonCodes.ResetLinkUsed, Code(loser));
        var events = await app.EventsForAccountAsync(account.Id);
        Assert.Single(events, e => e.ReasonCode == ReasonCodes.PasswordReset);
        Assert.Single(events, e => e.ReasonCode == ReasonCodes.ResetLinkUsed);
        var winner = pages[0].QuerySelector("[data-testid=reset-done]") is not null ? "the first of two new sentences" : "the second of two new sentences";
        Assert.Equal(HttpStatusCode.OK, (await first.ApiSignInAsync(account.Username, winner)).StatusCode);
    }

    [Fact]
    public async Task ResetLink_PasswordRefused_SaysWhichRule_AndTheLinkStillWorks()
    {
        var (account, link) = await ResetLinkAsync();
        using var browser = app.CreateBrowser();

        var refused = await ResetAsync(browser, link, "short");
        var mismatch = await PostResetAsync(browser, RecoveryApp.TokenOf(link), TestAccounts.NewPassword, confirm: "something else entirely here");
        var accepted = await ResetAsync(browser, link, TestAccounts.NewPassword);

        Assert.Equal(ReasonCodes.PasswordNotAccepted, Code(refused));
        Assert.Contains("15 characters", refused.QuerySelector("[data-testid=failure] ul")?.TextContent, StringComparison.Ordinal);
        Assert.NotNull(refused.QuerySelector("form input[name=newPassword]"));
        Assert.Equal(ReasonCodes.PasswordNotAccepted, Code(mismatch));
        Assert.NotNull(accepted.QuerySelector("[data-testid=reset-done]"));
        var recorded = await app.EventAsync(TraceId(refused));
        Assert.Equal(ReasonCodes.PasswordNotAccepted, recorded.ReasonCode);
        Assert.Contains("too_short", recorded.Detail, StringComparison.Ordinal);
        Assert.Equal(account.Id, recorded.AccountId);
    }

    [Fact]
    public async Task ResetLink_WithPasswordHistory_RefusesAnEarlierPassword()
    {
        // Arrange: a practice remembering three passwords.
        var slug = TestAccounts.Unique("hist");
        await app.CreateOrganizationAsync(slug, "History Clinic", policy => policy.PasswordHistoryCount = 3);
        var account = await app.CreateAccountAsync(TestAccounts.Unique("hal"), slug);
        using var browser = app.CreateBrowser();

        // Act: reset to a new password, then try to reset back to the first one.
        Assert.NotNull((await ResetAsync(browser, await LinkForAsync(account, 1), TestAccounts.NewPassword)).QuerySelector("[data-testid=reset-done]"));
        var back = await ResetAsync(browser, await LinkForAsync(account, 3), TestAccounts.Password);
        var same = await ResetAsync(browser, await LinkForAsync(account, 4), TestAccounts.NewPassword);

        // Assert
        Assert.Equal(ReasonCodes.PasswordNotAccepted, Code(back));
        Assert.Contains("reused", (await app.EventAsync(TraceId(back))).Detail, StringComparison.Ordinal);
        Assert.Equal(ReasonCodes.PasswordNotAccepted, Code(same));
        var remembered = await app.WithDbAsync(db => db.PasswordHistory.AsNoTracking().CountAsync(h => h.AccountId == account.Id));
        Assert.Equal(1, remembered);
    }

    [Fact]
    public async Task PasswordHistory_Off_RemembersNothing()
    {
        var (account, link) = await ResetLinkAsync();
        using var browser = app.CreateBrowser();

        await ResetAsync(browser, link, TestAccounts.NewPassword);

        Assert.Equal(0, await app.WithDbAsync(db => db.PasswordHistory.AsNoTracking().CountAsync(h => h.AccountId == account.Id)));
    }

    private async Task<(Account Account, string Link)> ResetLinkAsync()
    {
        var account = await app.MemberAsync("link");
        return (account, await LinkForAsync(account, 1));
    }

    private async Task<string> LinkForAsync(Account account, int mailNumber)
    {
        using var browser = app.CreateBrowser();
        await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", account.Username);
        var mails = await app.MailForAsync(account.Email, mailNumber);
        return RecoveryApp.LinkIn(mails.Last(m => m.Subject == "Reset your Signpost password"), "/reset-password");
    }

    private static async Task<IHtmlDocument> ResetAsync(TestBrowser browser, string link, string password)
    {
        var (_, page) = await browser.GetPageAsync(link);
        return await SubmitResetAsync(browser, HtmlForm.From(page, link), password);
    }

    private static async Task<IHtmlDocument> SubmitResetAsync(TestBrowser browser, HtmlForm form, string password) =>
        await TestBrowser.ParseAsync(await browser.SubmitAsync(form, [new("newPassword", password), new("confirm", password)]));

    /// <summary>Posts straight to the reset page with a fresh form stamp taken from another recovery page.</summary>
    private static async Task<IHtmlDocument> PostResetAsync(TestBrowser browser, string token, string password, HtmlForm? form = null, string? confirm = null)
    {
        form ??= await browser.OpenFormAsync("/forgot-password");
        var response = await browser.Http.PostAsync(new Uri("/reset-password", UriKind.Relative), new FormUrlEncodedContent(
            form.With([new("token", token), new("newPassword", password), new("confirm", confirm ?? password)])));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestBrowser.ParseAsync(response);
    }

    private static string? Code(IHtmlDocument page) => page.QuerySelector("[data-testid=failure]")?.GetAttribute("data-code");

    private static string TraceId(IHtmlDocument page) => page.QuerySelector("[data-testid=failure] [data-testid=trace-id]")!.TextContent;
}

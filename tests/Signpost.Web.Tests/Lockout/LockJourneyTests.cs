using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Recovery;

namespace Signpost.Web.Tests.Lockout;

/// <summary>
/// People locked out of their own browser, doing only what the page and the email tell them: they get
/// back in with the password they had, and nobody is sent to reset it.
/// </summary>
public sealed class LockJourneyTests(LockEndApp app) : IClassFixture<LockEndApp>
{
    [Fact]
    public async Task Journey_TrustedBrowserLocked_WaitUntilTheTimeShown_SignInAgain_NoReset()
    {
        // Arrange: the person's own browser, locked by their own typing.
        var (account, browser, page, _) = await app.LockTrustedBrowserAsync("wait");
        using var owned = browser;
        var passwordBefore = await PasswordChangedAtAsync(account.Id);

        // Act: read the end the page shows, wait until then (not a second longer), sign in again on this browser.
        var shownEnd = DateTimeOffset.Parse(page.QuerySelector("[data-testid=locked-until]")!.GetAttribute("data-ends")!, CultureInfo.InvariantCulture);
        Assert.Contains("sign in again on this browser", page.QuerySelector("[data-testid=lock-advice]")!.TextContent, StringComparison.Ordinal);
        app.MoveTo(shownEnd, TimeSpan.Zero);
        var again = await browser.SignInAsync(account.Username, TestAccounts.Password, app.PracticePath);

        // Assert: in, with the old password; no link of any kind, no reset.
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var signedIn = (await app.EventsForAccountAsync(account.Id)).Last();
        Assert.Equal(ReasonCodes.SignedIn, signedIn.ReasonCode);
        Assert.True(signedIn.TrustedDeviceValid);
        Assert.Empty(await app.TokensAsync(account.Id));
        Assert.Equal(passwordBefore, await PasswordChangedAtAsync(account.Id));
        Assert.Empty(app.MailFor(account.Email));
    }

    [Fact]
    public async Task Journey_TrustedBrowserLocked_AskForTheUnlockEmailAfterTheEnd_ItSaysSignInAgain_SignedInWithoutReset()
    {
        // Arrange: locked; the person waits a while, then follows the page's other advice: the unlock email.
        var (account, browser, page, until) = await app.LockTrustedBrowserAsync("mailjourney");
        using var owned = browser;
        var passwordBefore = await PasswordChangedAtAsync(account.Id);
        Assert.NotNull(page.QuerySelector("[data-testid=lock-advice] a[href='/unlock']"));
        app.MoveTo(until, TimeSpan.FromSeconds(5));

        // Act: ask for it, read it, do what it says first: sign in again at its link.
        await LockEndTests.RequestUnlockAsync(browser, account.Username);
        var mail = Assert.Single(await app.MailForAsync(account.Email));
        Assert.Contains("Your account is no longer locked — sign in again.", mail.Text, StringComparison.Ordinal);
        var signInPath = new Uri(mail.Text.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(SignpostFactory.PublicBaseUrl + "/sign-in", StringComparison.Ordinal))).PathAndQuery;
        var again = await browser.SignInAsync(account.Username, TestAccounts.Password, signInPath);

        // Assert: in with the old password; the reset link (the second option) was never used.
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(ReasonCodes.SignedIn, (await app.EventsForAccountAsync(account.Id)).Last().ReasonCode);
        Assert.All(await app.TokensAsync(account.Id), t => Assert.Null(t.UsedAt));
        Assert.Equal(passwordBefore, await PasswordChangedAtAsync(account.Id));
    }

    private Task<DateTimeOffset?> PasswordChangedAtAsync(Guid accountId) =>
        app.WithDbAsync(db => db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.PasswordChangedAt).SingleAsync());
}

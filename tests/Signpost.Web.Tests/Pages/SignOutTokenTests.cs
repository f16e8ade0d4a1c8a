using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Signpost.Web.Infrastructure;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Pages;

/// <summary>A node whose clock stands still unless a test moves it, so the session cache's copy lives as long as a test needs.</summary>
public sealed class ClockedSignpost : IAsyncDisposable
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public SignpostFactory App { get; }

    public ClockedSignpost() => App = new SignpostFactory { Time = Time };

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

/// <summary>
/// The home page's sign-out form carries an anti-forgery token issued once per node's copy of the session and
/// anti-forgery cookie (<see cref="SessionFormToken"/>; docs/capacity.md, "A signed-in page"). The reused token
/// signs out; it is still checked by the framework, so it works for no other session, person or cookie.
/// </summary>
public sealed class SignOutTokenTests(ClockedSignpost node) : IClassFixture<ClockedSignpost>
{
    private const string SignOutForm = "form[action='/sign-out']";

    private SignpostFactory App => node.App;

    [Fact]
    public async Task HomePage_RenderedAgain_ReusesTheTokenWhichSignsOut()
    {
        // Arrange: two renders while the node holds the session, a third after its copy is gone.
        var (account, browser) = await SignedInAsync("reuse");
        using var _b = browser;
        var first = await browser.OpenFormAsync("/", SignOutForm);
        var second = await browser.OpenFormAsync("/", SignOutForm);
        node.Time.Advance(TimeSpan.FromSeconds(6));
        var third = await browser.OpenFormAsync("/", SignOutForm);

        // Act: the first page's token, reused by the second, posted after the third.
        var response = await browser.SubmitAsync(first);

        // Assert
        Assert.Equal(second.Value(HtmlForm.TokenField), first.Value(HtmlForm.TokenField));
        Assert.NotEqual(third.Value(HtmlForm.TokenField), first.Value(HtmlForm.TokenField));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sign-in?signedOut=true", response.Headers.Location!.OriginalString);
        var session = await App.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.AccountId == account.Id));
        Assert.Equal("signed out", session.RevokedReason);
    }

    [Fact]
    public async Task HomePage_Rendered_IsNotCachedLikeAnyPageWithAToken()
    {
        // Arrange
        var (_, browser) = await SignedInAsync("nocache");
        using var _b = browser;
        await browser.OpenFormAsync("/", SignOutForm);

        // Act: the render that reuses the token.
        using var again = await browser.GetAsync("/");

        // Assert
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(again.Headers.CacheControl!.NoStore);
        Assert.True(again.Headers.CacheControl.NoCache);
        Assert.Contains("no-cache", again.Headers.Pragma.Select(p => p.Name));
    }

    [Fact]
    public async Task SignOut_TokenOfThePersonsOtherSession_IsRefused()
    {
        // Arrange: the same person in two browsers, each with its own anti-forgery cookie.
        var (account, mine) = await SignedInAsync("other-session");
        using var theirs = App.CreateBrowser();
        using var _m = mine;
        await theirs.SignInAsync(account.Username, TestAccounts.Password);
        var theirForm = await theirs.OpenFormAsync("/", SignOutForm);
        await theirs.OpenFormAsync("/", SignOutForm);

        // Act
        var response = await mine.SubmitAsync(theirForm);

        // Assert
        await AssertRefusedAsync(response, account.Id, sessionsLive: 2);
    }

    [Fact]
    public async Task SignOut_TokenOfAnotherPerson_IsRefused()
    {
        // Arrange
        var (victim, mine) = await SignedInAsync("victim");
        var (_, attacker) = await SignedInAsync("attacker");
        using var _m = mine;
        using var _a = attacker;
        var attackersForm = await attacker.OpenFormAsync("/", SignOutForm);
        await attacker.OpenFormAsync("/", SignOutForm);

        // Act: the other person's reused token, with the victim's cookies.
        var response = await mine.SubmitAsync(attackersForm);

        // Assert
        await AssertRefusedAsync(response, victim.Id, sessionsLive: 1);
    }

    [Fact]
    public async Task SignOut_SameSessionWithAnotherAntiforgeryCookie_IsRefusedAndTheNextPageIssuesItsOwn()
    {
        // Arrange: the token reused for this session and cookie; then the browser's anti-forgery cookie replaced by another browser's.
        var (account, browser) = await SignedInAsync("swapped-cookie");
        using var _b = browser;
        using var stranger = App.CreateBrowser();
        await stranger.GetAsync("/sign-in");
        var form = await browser.OpenFormAsync("/", SignOutForm);
        await browser.OpenFormAsync("/", SignOutForm);
        browser.Cookies.Add(TestBrowser.BaseUri, new Cookie(FormGuard.CookieName, stranger.Cookie(FormGuard.CookieName)!));

        // Act
        var response = await browser.SubmitAsync(form);
        var fresh = await browser.OpenFormAsync("/", SignOutForm);

        // Assert: refused, and the page rendered with the other cookie carries a token of its own.
        await AssertRefusedAsync(response, account.Id, sessionsLive: 1);
        Assert.NotEqual(form.Value(HtmlForm.TokenField), fresh.Value(HtmlForm.TokenField));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync(fresh)).StatusCode);
    }

    private async Task<(Core.Accounts.Account Account, TestBrowser Browser)> SignedInAsync(string name)
    {
        var slug = TestAccounts.Unique(name);
        await App.CreateOrganizationAsync(slug, "Token Clinic");
        var account = await App.CreateAccountAsync(TestAccounts.Unique(name), slug);
        var browser = App.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        return (account, browser);
    }

    /// <summary>Refused as every anti-forgery failure on a page is (400), and no session of the person ended.</summary>
    private async Task AssertRefusedAsync(HttpResponseMessage response, Guid accountId, int sessionsLive)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var sessions = await App.WithDbAsync(db => db.Sessions.AsNoTracking().Where(s => s.AccountId == accountId).ToListAsync());
        Assert.Equal(sessionsLive, sessions.Count);
        Assert.All(sessions, s => Assert.Null(s.RevokedAt));
    }
}

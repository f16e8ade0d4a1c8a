using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Pages;

/// <summary>Server-side sessions: listed, ended from elsewhere, ended by sign-out, ended by idleness.</summary>
public sealed class SessionTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task SessionsPage_SignOutOtherSessions_EndsThemOnTheServer()
    {
        // Arrange: the same person in a browser and in an app.
        var slug = TestAccounts.Unique("brookside");
        await app.CreateOrganizationAsync(slug, "Brookside Orthopedics");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("kim"), slug);
        using var browser = app.CreateBrowser();
        using var other = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/")).StatusCode);

        // Act 1: the sessions page lists both.
        var (page, document) = await browser.GetPageAsync("/account/sessions");

        // Assert 1
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var rows = document.QuerySelectorAll("[data-testid=sessions] tbody tr");
        Assert.Equal(2, rows.Length);
        Assert.Single(rows, r => r.TextContent.Contains("(this browser)", StringComparison.Ordinal));

        // Act 2: "Sign out all other sessions".
        var form = HtmlForm.From(document, "/account/sessions", "form[action*='EndOthers']");
        var ended = await browser.SubmitAsync(form);

        // Assert 2: one other session ended, this one lives, the other client is out on pages and the API.
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        var (after, afterDocument) = await browser.GetPageAsync(ended.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("Signed out of 1 other session(s).", afterDocument.Body!.TextContent, StringComparison.Ordinal);
        Assert.Single(afterDocument.QuerySelectorAll("[data-testid=sessions] tbody tr"));

        var otherHome = await other.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, otherHome.StatusCode);
        Assert.StartsWith("/sign-in", otherHome.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var otherApi = await other.Http.PostAsync("/api/v1/sign-out", null);
        Assert.Equal(HttpStatusCode.Unauthorized, otherApi.StatusCode);
        Assert.Equal("unauthorized", (await TestBrowser.JsonAsync(otherApi)).GetProperty("code").GetString());

        var sessions = await app.WithDbAsync(db => db.Sessions.AsNoTracking().Where(s => s.AccountId == account.Id).ToListAsync());
        Assert.Single(sessions, s => s.RevokedReason == "signed out from another session");
        Assert.Single(sessions, s => s.RevokedAt is null);
    }

    [Fact]
    public async Task SignOut_SignedIn_EndsSessionSoOldCookieNoLongerWorks()
    {
        // Arrange
        var slug = TestAccounts.Unique("meadow");
        await app.CreateOrganizationAsync(slug, "Meadow Urgent Care");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("lou"), slug);
        using var browser = app.CreateBrowser();
        await browser.SignInAsync(account.Username, TestAccounts.Password);
        var oldCookie = browser.Cookie("sp_session");
        Assert.NotNull(oldCookie);
        var signOutForm = await browser.OpenFormAsync("/", "form[action='/sign-out']");

        // Act
        var response = await browser.SubmitAsync(signOutForm);

        // Assert: the session record is revoked, so a copy of the cookie is worthless.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sign-in?signedOut=true", response.Headers.Location!.OriginalString);
        Assert.Null(browser.Cookie("sp_session"));
        var session = await app.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.AccountId == account.Id));
        Assert.Equal("signed out", session.RevokedReason);

        using var replay = app.CreateBrowser(handleCookies: false);
        replay.Http.DefaultRequestHeaders.Add("Cookie", $"sp_session={oldCookie}");
        var home = await replay.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("/sign-in", home.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.Http.PostAsync("/api/v1/sign-out", null)).StatusCode);
    }

    [Fact]
    public async Task Session_IdleLongerThanTimeout_EndsAndSendsBackToSignIn()
    {
        // Arrange: default policy, 15 minutes idle.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var clocked = new SignpostFactory { Time = time };
        var slug = TestAccounts.Unique("harbor");
        await clocked.CreateOrganizationAsync(slug, "Harbor Internal Medicine");
        var account = await clocked.CreateAccountAsync(TestAccounts.Unique("max"), slug);
        using var browser = clocked.CreateBrowser();
        await browser.SignInAsync(account.Username, TestAccounts.Password);

        // Act and assert: activity keeps the session alive...
        time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        // ...and 15 idle minutes end it.
        time.Advance(TimeSpan.FromMinutes(15));
        var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/sign-in?returnUrl=%2F", home.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Http.PostAsync("/api/v1/sign-out", null)).StatusCode);
    }
}

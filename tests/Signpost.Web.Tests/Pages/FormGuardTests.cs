using System.Net;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Pages;

/// <summary>
/// The browser problems behind a bare "400 Bad Request" get their own reasons and events: a blocked
/// anti-forgery cookie is "cookies disabled", a token or form from an earlier visit is a "stale form".
/// </summary>
public sealed class FormGuardTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task SignIn_PostWithoutAntiforgeryCookie_RecordsCookiesDisabled()
    {
        // Arrange: a browser that blocks cookies sees the form but never sends the cookie back.
        var account = await app.CreateAccountAsync(TestAccounts.Unique("cora"), null);
        using var browser = app.CreateBrowser(handleCookies: false);
        var form = await browser.OpenFormAsync("/sign-in");

        // Act
        var response = await browser.SubmitAsync(form, [new("identifier", account.Username), new("password", TestAccounts.Password)]);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(response));
        Assert.Equal(ReasonCodes.CookiesDisabled, failure.Code);
        var recorded = await app.EventAsync(failure.TraceId);
        Assert.Equal(ReasonCodes.CookiesDisabled, recorded.ReasonCode);
        Assert.False(recorded.CookiesWorking);
        Assert.Equal(account.Username, recorded.Identifier);
        Assert.Equal(account.Id, recorded.AccountId); // refused before the password, yet recorded for support
        Assert.False(recorded.Succeeded);
    }

    [Fact]
    public async Task SignIn_TokenFromAnotherBrowsersCookie_RecordsStaleForm()
    {
        // Arrange: the form of one visit, posted with the cookie of another.
        var account = await app.CreateAccountAsync(TestAccounts.Unique("finn"), null);
        using var first = app.CreateBrowser();
        using var second = app.CreateBrowser();
        var oldForm = await first.OpenFormAsync("/sign-in");
        await second.OpenFormAsync("/sign-in");

        // Act
        var response = await second.SubmitAsync(oldForm, [new("identifier", account.Username), new("password", TestAccounts.Password)]);

        // Assert
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(response));
        Assert.Equal(ReasonCodes.StaleForm, failure.Code);
        var recorded = await app.EventAsync(failure.TraceId);
        Assert.Equal(ReasonCodes.StaleForm, recorded.ReasonCode);
        Assert.Contains("does not match the cookie", recorded.Detail, StringComparison.Ordinal);
        Assert.True(recorded.CookiesWorking);
        Assert.Null(second.Cookie("sp_session"));
    }

    [Fact]
    public async Task SignIn_FormOlderThanFormLifetime_RecordsStaleForm()
    {
        // Arrange: forms live 10 minutes here; the page sat in a tab for 11.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var clocked = new SignpostFactory { Time = time, FormLifetimeMinutes = 10 };
        var slug = TestAccounts.Unique("cedar");
        await clocked.CreateOrganizationAsync(slug, "Cedar Family Health");
        var account = await clocked.CreateAccountAsync(TestAccounts.Unique("gus"), slug);
        using var browser = clocked.CreateBrowser();
        var form = await browser.OpenFormAsync("/sign-in");
        time.Advance(TimeSpan.FromMinutes(11));

        // Act
        var response = await browser.SubmitAsync(form, [new("identifier", account.Username), new("password", TestAccounts.Password)]);

        // Assert
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(response));
        Assert.Equal(ReasonCodes.StaleForm, failure.Code);
        var recorded = await clocked.EventAsync(failure.TraceId);
        Assert.Equal(ReasonCodes.StaleForm, recorded.ReasonCode);
        Assert.Equal("The form was issued 11 minutes ago; forms live 10 minutes.", recorded.Detail);
        Assert.Null(browser.Cookie("sp_session"));

        // The page that came back carries a fresh form, which works.
        var fresh = HtmlForm.From(await TestBrowser.ParseAsync(response), "/sign-in");
        var retry = await browser.SubmitAsync(fresh, [new("identifier", account.Username), new("password", TestAccounts.Password)]);
        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
    }
}

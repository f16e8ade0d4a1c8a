using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Pages;

/// <summary>The sign-in pages as a person uses them: success, an explained failure, the practice bookmark.</summary>
public sealed partial class SignInPageTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task SignIn_CorrectPassword_RedirectsHomeWithSessionNamingPersonAndPractice()
    {
        // Arrange
        var slug = TestAccounts.Unique("riverbend");
        await app.CreateOrganizationAsync(slug, "Riverbend Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("dana"), slug, displayName: "Dana Whitfield");
        using var browser = app.CreateBrowser();

        // Act
        var response = await browser.SignInAsync(account.Username, TestAccounts.Password);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.NotNull(browser.Cookie("sp_session"));
        var signedIn = Assert.Single(await app.EventsForAccountAsync(account.Id));
        Assert.Equal(ReasonCodes.SignedIn, signedIn.ReasonCode);
        Assert.True(signedIn.Succeeded);
        Assert.Equal(SignInMethod.Password, signedIn.Method);
        Assert.Equal(1, await app.WithDbAsync(db => db.Sessions.CountAsync(s => s.AccountId == account.Id && s.RevokedAt == null)));

        var (home, document) = await browser.GetPageAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Dana Whitfield", document.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Riverbend Clinic", document.QuerySelector("[data-testid=practices]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsTraceIdTimeAndHelpLinkOfRecordedEvent()
    {
        // Arrange
        var slug = TestAccounts.Unique("lakeside");
        await app.CreateOrganizationAsync(slug, "Lakeside Pediatrics");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("eli"), slug);
        using var browser = app.CreateBrowser();

        // Act
        var response = await browser.SignInAsync(account.Username, TestAccounts.WrongPassword, $"/o/{slug}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(browser.Cookie("sp_session"));
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(response));
        Assert.Equal(ReasonCodes.InvalidCredentials, failure.Code);
        Assert.Matches("^[0-9a-f]{32}$", failure.TraceId);
        Assert.Matches(UtcTime(), failure.Time);
        Assert.Equal($"/help/codes/{ReasonCodes.InvalidCredentials}", failure.HelpHref);
        Assert.Equal(response.Headers.GetValues("X-Trace-Id").Single(), failure.TraceId);

        var recorded = await app.EventAsync(failure.TraceId);
        Assert.Equal(ReasonCodes.InvalidCredentials, recorded.ReasonCode);
        Assert.Equal(ReasonCodes.InvalidCredentials, recorded.ShownReasonCode);
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.Equal(account.Username, recorded.Identifier);
        Assert.False(recorded.Succeeded);
        Assert.StartsWith("Wrong password (1/10", recorded.Detail, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.Parse(failure.Time.Replace(" UTC", "Z", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture),
            recorded.OccurredAt.AddTicks(-(recorded.OccurredAt.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Fact]
    public async Task OrganizationPage_KnownSlug_NamesPractice()
    {
        // Arrange
        var slug = TestAccounts.Unique("hillcrest");
        await app.CreateOrganizationAsync(slug, "Hillcrest Family Medicine");
        using var browser = app.CreateBrowser();

        // Act
        var (response, document) = await browser.GetPageAsync($"/o/{slug}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Sign in to Hillcrest Family Medicine", document.QuerySelector("h1")!.TextContent.Trim());
        Assert.NotNull(document.QuerySelector("input[name=__RequestVerificationToken]"));
        Assert.NotNull(document.QuerySelector("input[name=form_stamp]"));
    }

    [Theory]
    [InlineData("/o/no-such-practice")]
    [InlineData("/o/NOT_A_SLUG")]
    public async Task OrganizationPage_UnknownSlug_Returns404(string path)
    {
        using var browser = app.CreateBrowser();

        var getResponse = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, getResponse.StatusCode);
        Assert.Contains("Page not found", await getResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$")]
    private static partial Regex UtcTime();
}

using System.Net;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Email;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Browsers;

/// <summary>
/// A clinic on Firefox ESR, through the real sign-in page with the shipped matrix (appsettings.json: ESR 140
/// until 15 September 2026): supported while its ESR is, then warned with its real version and what to do.
/// </summary>
public sealed class FirefoxEsrSignInTests
{
    private const string FirefoxEsr140 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";

    [Fact]
    public async Task SignIn_FirefoxEsr140_SupportedUntilItsEndDate_ThenWarnedWithItsVersionAndTheCurrentEsr()
    {
        // Arrange: the hand-moved clock starts on 2 March 2026.
        await using var app = new EmailApp();
        var slug = TestAccounts.Unique("esr");
        await app.CreateOrganizationAsync(slug, "Hospital Outpatient Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("nurse"), slug);

        // Act: signed in on ESR 140 while Mozilla supports it.
        using (var browser = app.CreateBrowser(userAgent: FirefoxEsr140))
        {
            var supported = await browser.SignInAsync(account.Username, TestAccounts.Password, $"/o/{slug}");
            Assert.Equal(HttpStatusCode.Redirect, supported.StatusCode);
            Assert.Equal("/", supported.Headers.Location?.OriginalString);
        }

        // The day after its end date the same browser is outside the matrix: signed in, with the warning.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 9, 16, 8, 0, 0, TimeSpan.Zero));
        using var later = app.CreateBrowser(userAgent: FirefoxEsr140);
        var warned = await later.SignInAsync(account.Username, TestAccounts.Password, $"/o/{slug}");
        Assert.Equal(HttpStatusCode.Redirect, warned.StatusCode);
        Assert.Equal("/?notice=browser", warned.Headers.Location?.OriginalString);
        var (_, home) = await later.GetPageAsync("/?notice=browser");

        // Assert: the notice names the real version and what to do; the events say what support reads.
        Assert.Equal(
            "Firefox 140.0 is Firefox ESR 140, whose support ended on 2026-09-15. Ask your IT department to move to Firefox ESR 153, or update to Firefox 157+.",
            home.QuerySelector("[data-testid=browser-advice]")?.TextContent);
        var events = await app.EventsForAccountAsync(account.Id);
        Assert.Equal([ReasonCodes.SignedIn, ReasonCodes.SignedInBrowserWarning], events.Select(e => e.ReasonCode));
        Assert.Equal([true, false], events.Select(e => e.BrowserSupported));
    }
}

using System.Net;
using System.Net.Http.Json;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>Starting a single sign-on is a sign-in attempt: <c>/sso/{slug}</c> counts toward the shared per-address limit.</summary>
public sealed class SsoRateLimitTests
{
    [Fact]
    public async Task Start_OverPerMinuteLimit_Returns429WithEvent_AndSharesTheLimitWithTheApi()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        await using var app = new SsoApp { PermitsPerMinute = 2 };
        var slug = TestAccounts.Unique("limited");
        await app.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        // The three starts must fall in one fixed one-minute window.
        if (DateTime.UtcNow.Second >= 50)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - DateTime.UtcNow.Second));
        }

        using var browser = app.CreateBrowser();
        await SsoApp.StartAsync(browser, slug);
        await SsoApp.StartAsync(browser, slug);

        using var third = await browser.GetAsync($"/sso/{slug}");

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.InRange(int.Parse(third.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        var traceId = (await TestBrowser.ParseAsync(third)).QuerySelector("[data-testid=trace-id]")!.TextContent.Trim();
        var recorded = await app.EventAsync(traceId);
        Assert.Equal((ReasonCodes.RateLimited, SignInMethod.Sso, false), (recorded.ReasonCode, recorded.Method, recorded.Succeeded));

        // One limit per address: the API's sign-in from the same address is refused too.
        using var api = await browser.Http.PostAsJsonAsync("/api/v1/sign-in", new { identifier = "someone", password = "" });
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
    }
}

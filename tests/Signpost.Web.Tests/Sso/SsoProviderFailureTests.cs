using System.Diagnostics;
using System.Net;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Signpost.Web.Tests.Sso;

/// <summary>
/// Providers that are down, slow, broken or hostile in size: the sign-in start answers with a reason code
/// and a failure page (never a 500), within the backchannel timeout, and other practices are unaffected.
/// The health checks explain the same failures in plain words.
/// </summary>
public sealed class SsoProviderFailureTests(SsoAppFixture fixture) : IClassFixture<SsoAppFixture>
{
    /// <summary>The backchannel timeout of the slow-provider test's own host: far beyond a healthy start on a loaded machine.</summary>
    private const int SlowTimeoutSeconds = 6;

    private SsoApp App => fixture.App;

    [Theory]
    [InlineData("bad-json", ReasonCodes.SsoProviderMisconfigured)]
    [InlineData("not-object", ReasonCodes.SsoProviderMisconfigured)]
    [InlineData("huge", ReasonCodes.SsoProviderMisconfigured)]
    [InlineData("500", ReasonCodes.SsoProviderUnreachable)]
    [InlineData("slow", ReasonCodes.SsoProviderUnreachable)]
    public async Task Start_BrokenDiscovery_AnswersWithReasonNot500(string discovery, string code)
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("broken");
        var connection = await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        await provider.SetAsync(("discovery", discovery));
        using var browser = App.CreateBrowser();

        var clock = Stopwatch.StartNew();
        using var response = await browser.GetAsync($"/sso/{slug}");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(SsoApp.TimeoutSeconds * 3), $"Took {clock.Elapsed}.");
        await AssertFailedStartAsync(browser, response, code, connection.Id);
    }

    [Fact]
    public async Task Start_ProviderDown_IsUnreachable()
    {
        var slug = TestAccounts.Unique("down");
        var connection = await App.CreateConnectionAsync(slug, $"http://127.0.0.1:{TestProvider.FreePort()}{SsoConnection.WellKnownSuffix}");
        using var browser = App.CreateBrowser();

        using var response = await browser.GetAsync($"/sso/{slug}");

        await AssertFailedStartAsync(browser, response, ReasonCodes.SsoProviderUnreachable, connection.Id);
    }

    [Fact]
    public async Task Start_OnePracticesProviderSlow_OtherPracticeSignsInMeanwhile()
    {
        // A host of its own whose calls to a provider may take SlowTimeoutSeconds, not the class's two: the healthy start
        // must end while the stuck one still waits, and on a loaded CI machine (beside Chromium) a healthy start alone
        // has overrun two seconds, which said nothing about one practice waiting for another.
        await using var app = new SsoApp { BackchannelTimeoutSeconds = SlowTimeoutSeconds };
        await using var slow = await TestProvider.StartHostileAsync();
        await using var healthy = await TestProvider.StartHostileAsync();
        var slowSlug = TestAccounts.Unique("slow");
        var healthySlug = TestAccounts.Unique("healthy");
        await app.CreateConnectionAsync(slowSlug, slow.DiscoveryUrl);
        await app.CreateConnectionAsync(healthySlug, healthy.DiscoveryUrl);
        // The healthy provider's first answer is Node's slowest (its code is compiled then).
        using (var warmUp = new HttpClient())
        {
            (await warmUp.GetAsync(healthy.DiscoveryUrl)).EnsureSuccessStatusCode();
        }

        await slow.SetAsync(("discovery", "slow"));
        using var stuck = app.CreateBrowser();
        using var other = app.CreateBrowser();

        var waiting = stuck.GetAsync($"/sso/{slowSlug}");
        await Task.Delay(200);
        var clock = Stopwatch.StartNew();
        var authorize = await SsoApp.StartAsync(other, healthySlug);

        // The healthy practice was sent on while the other still waited for its provider (which answers after 30 s;
        // Signpost gives up on it after SlowTimeoutSeconds), so it never queued behind it.
        Assert.False(waiting.IsCompleted, $"The stuck start ended before the healthy one, which took {clock.Elapsed}.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(SlowTimeoutSeconds), $"The healthy practice waited {clock.Elapsed}.");
        Assert.StartsWith(healthy.Issuer, authorize.ToString(), StringComparison.Ordinal);
        using var timedOut = await waiting;
        Assert.Equal(ReasonCodes.SsoProviderUnreachable, (await app.EventOfAsync(timedOut)).ReasonCode);
    }

    [Theory]
    [InlineData("500", "answered HTTP 500")]
    [InlineData("bad-json", "not valid JSON")]
    [InlineData("huge", "larger than")]
    [InlineData("slow", "did not answer within")]
    [InlineData("wrong-issuer", "promises")]
    public async Task Health_BrokenDiscovery_FailsWithPlainWords(string discovery, string words)
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var connection = await App.CreateConnectionAsync(TestAccounts.Unique("health"), provider.DiscoveryUrl);
        await provider.SetAsync(("discovery", discovery));

        var report = await CheckAsync(connection);

        Assert.Equal(SsoHealthStatus.Failing, report.Status);
        Assert.Contains(report.Findings, f => !f.Ok && f.Explanation.Contains(words, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_ProviderDown_FailsAndIsRecordedInHistory()
    {
        var connection = await App.CreateConnectionAsync(TestAccounts.Unique("hdown"), $"http://127.0.0.1:{TestProvider.FreePort()}{SsoConnection.WellKnownSuffix}");

        var report = await App.WithServicesAsync(services => services.GetRequiredService<SsoHealthChecker>().CheckAndRecordAsync(connection, CancellationToken.None));

        Assert.Equal(SsoHealthStatus.Failing, report.Status);
        Assert.Contains("could not be reached", Assert.Single(report.Findings).Explanation, StringComparison.Ordinal);
        var stored = await App.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.SsoConnections, c => c.Id == connection.Id));
        Assert.Equal(SsoHealthStatus.Failing, stored.HealthStatus);
        Assert.Equal(1, await App.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.SsoHealthRecords, r => r.ConnectionId == connection.Id)));
    }

    [Fact]
    public async Task Health_NoSigningKeys_Fails()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var connection = await App.CreateConnectionAsync(TestAccounts.Unique("nokeys"), provider.DiscoveryUrl);
        await provider.SetAsync(("jwks", "empty"));

        var report = await CheckAsync(connection);

        Assert.Equal(SsoHealthStatus.Failing, report.Status);
        Assert.Contains(report.Findings, f => f.Check == "signing_keys" && !f.Ok);
    }

    [Theory]
    [InlineData(5, SsoHealthStatus.Warning)]
    [InlineData(60, SsoHealthStatus.Healthy)]
    public async Task Health_SigningKeyCertificateExpiringInDays_WarnsInsideTheAlertWindow(int days, SsoHealthStatus expected)
    {
        await using var provider = await TestProvider.StartHostileAsync(certificateDays: days);
        var connection = await App.CreateConnectionAsync(TestAccounts.Unique("expiry"), provider.DiscoveryUrl);

        var report = await CheckAsync(connection);

        Assert.Equal(expected, report.Status);
        var finding = Assert.Single(report.Findings, f => f.Check == "key_expiry");
        Assert.Equal(expected == SsoHealthStatus.Warning, finding.Warning);
        Assert.InRange(report.EarliestExpiry!.Value, DateTimeOffset.UtcNow.AddDays(days - 1), DateTimeOffset.UtcNow.AddDays(days + 1));
    }

    private Task<SsoHealthReport> CheckAsync(SsoConnection connection) =>
        App.WithServicesAsync(services => services.GetRequiredService<SsoHealthChecker>().CheckAsync(connection, CancellationToken.None));

    private async Task AssertFailedStartAsync(TestBrowser browser, HttpResponseMessage response, string code, Guid connectionId)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(SsoSignIn.FailedPath + "?trace=", location, StringComparison.Ordinal);
        var recorded = await App.EventOfAsync(response);
        Assert.True(recorded.ReasonCode == code, $"Expected {code}, recorded {recorded.ReasonCode}: {recorded.Detail}");
        Assert.Equal(connectionId.ToString(), recorded.SsoConnectionId);
        var (page, document) = await browser.GetPageAsync(location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(code, PageFailure.Read(document).Code);
    }
}

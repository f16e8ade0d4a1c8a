using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>
/// Without the test set-up's allow settings, Signpost calls identity providers over https on public addresses
/// only: a provider on loopback (here reached through the name <c>localhost</c>, so the check after DNS is what
/// refuses it) is never called, by the health check nor by a sign-in, and plain http is refused before sending.
/// </summary>
public sealed class SsoProviderAddressTests
{
    [Fact]
    public async Task Health_ProviderOnLoopback_WithoutTheAllowSetting_IsRefusedAndNeverCalled()
    {
        await using var app = new SsoApp { AllowPrivateProviderAddresses = false };
        await using var provider = await TestProvider.StartHostileAsync();
        var connection = await app.CreateConnectionAsync(TestAccounts.Unique("ssrf"), LocalhostDiscovery(provider));

        var report = await app.WithServicesAsync(services => services.GetRequiredService<SsoHealthChecker>().CheckAsync(connection, CancellationToken.None));

        Assert.Equal(SsoHealthStatus.Failing, report.Status);
        var finding = Assert.Single(report.Findings);
        Assert.Equal("discovery", finding.Check);
        Assert.False(finding.Unreachable);
        Assert.Contains("private, loopback or link-local", finding.Explanation, StringComparison.Ordinal);
        Assert.Equal(0, (await provider.StatsAsync()).Discovery);
    }

    [Fact]
    public async Task SignIn_ProviderOnLoopback_WithoutTheAllowSetting_FailsAsMisconfiguredAndNeverCalls()
    {
        await using var app = new SsoApp { AllowPrivateProviderAddresses = false };
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("ssrf");
        var connection = await app.CreateConnectionAsync(slug, LocalhostDiscovery(provider));
        using var browser = app.CreateBrowser();

        using var response = await browser.GetAsync($"/sso/{slug}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(SsoSignIn.FailedPath + "?trace=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var recorded = await app.EventOfAsync(response);
        Assert.Equal(ReasonCodes.SsoProviderMisconfigured, recorded.ReasonCode);
        Assert.StartsWith("address: localhost resolves only to private, loopback or link-local addresses", recorded.Detail, StringComparison.Ordinal);
        Assert.Equal(connection.Id.ToString(), recorded.SsoConnectionId);
        Assert.Equal(0, (await provider.StatsAsync()).Discovery);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8443/.well-known/openid-configuration")]
    [InlineData("https://169.254.169.254/.well-known/openid-configuration")]
    [InlineData("https://10.1.2.3/.well-known/openid-configuration")]
    [InlineData("https://[::1]/.well-known/openid-configuration")]
    public async Task SaveConnection_PrivateAddressLiteral_IsRefusedWithTheField(string discoveryUrl)
    {
        await using var app = new SsoApp { AllowPrivateProviderAddresses = false };

        var problems = await app.WithServicesAsync(services => Task.FromResult(services.GetRequiredService<SsoConnectionManager>()
            .Check(new SsoConnectionRequest(discoveryUrl, TestProvider.ClientId, TestProvider.ClientSecret))));

        var problem = Assert.Single(problems);
        Assert.Equal(nameof(SsoConnectionRequest.DiscoveryUrl), problem.Field);
        Assert.Contains("private, loopback or link-local", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_PlainHttpProvider_WithoutTheAllowSetting_IsRefusedBeforeSending()
    {
        await using var app = new SsoApp { AllowHttpProviders = false };
        await using var provider = await TestProvider.StartHostileAsync();
        var connection = new SsoConnection { DiscoveryUrl = provider.DiscoveryUrl, ClientId = TestProvider.ClientId };

        var report = await app.WithServicesAsync(services => services.GetRequiredService<SsoHealthChecker>().CheckAsync(connection, CancellationToken.None));

        var finding = Assert.Single(report.Findings);
        Assert.False(finding.Ok);
        Assert.Contains("is not https", finding.Explanation, StringComparison.Ordinal);
        Assert.Equal(0, (await provider.StatsAsync()).Discovery);
    }

    private static string LocalhostDiscovery(TestProvider provider) => $"http://localhost:{provider.Port}{SsoConnection.WellKnownSuffix}";
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>
/// A provider over https with a short-lived certificate of a test CA that Signpost is told to trust
/// (<c>Signpost:Sso:TrustedCertificateAuthoritiesFile</c>), and https only (no plain-http providers): the
/// health monitor's TLS expiry check, its alert, and a sign-in over that TLS.
/// </summary>
public sealed class SsoTlsTests
{
    [Fact]
    public async Task HealthJob_ProviderTlsCertificateExpiringInsideWindow_WarnsAndAlertsOnce()
    {
        using var tls = TestTls.Create(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(3));
        await using var provider = await TestProvider.StartHostileAsync(tls: tls);
        await using var app = new SsoApp { AllowHttpProviders = false, TrustedCertificateAuthoritiesFile = tls.AuthorityFile, OperatorsEmail = "operators@payer.example" };
        var connection = await app.CreateConnectionAsync(TestAccounts.Unique("tls"), provider.DiscoveryUrl);
        var job = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SsoHealthJob>().Single();

        await job.RunOnceAsync(CancellationToken.None);
        await job.RunOnceAsync(CancellationToken.None);

        Assert.StartsWith("https://", provider.DiscoveryUrl, StringComparison.Ordinal);
        var records = await app.WithDbAsync(db => db.SsoHealthRecords.AsNoTracking().Where(r => r.ConnectionId == connection.Id).ToListAsync());
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(SsoHealthStatus.Warning, r.Status));
        // The discovery and key set loaded over the trusted TLS; only the certificate's expiry warns.
        Assert.Contains("\"check\":\"discovery\",\"ok\":true", records[0].Findings, StringComparison.Ordinal);
        Assert.Contains("\"check\":\"tls_expiry\",\"ok\":true", records[0].Findings, StringComparison.Ordinal);
        Assert.Contains("The provider\\u0027s TLS certificate expires in 2 day(s)", records[0].Findings, StringComparison.Ordinal);
        Assert.Equal(tls.NotAfter.ToUnixTimeSeconds(), records[0].EarliestExpiry!.Value.ToUnixTimeSeconds());
        var mail = Assert.Single(app.PickedUpMail());
        Assert.Contains("operators@payer.example", mail, StringComparison.Ordinal);
        Assert.Contains($"expires on {tls.NotAfter.UtcDateTime:yyyy-MM-dd}", mail, StringComparison.Ordinal);
        Assert.Contains("tls_expiry: The provider's TLS certificate expires in 2 day(s)", mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_ProviderTlsCertificateExpired_FailsOnTheExpiryAndTheConnection()
    {
        using var tls = TestTls.Create(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        await using var provider = await TestProvider.StartHostileAsync(tls: tls);
        await using var app = new SsoApp { AllowHttpProviders = false, TrustedCertificateAuthoritiesFile = tls.AuthorityFile };
        var connection = await app.CreateConnectionAsync(TestAccounts.Unique("tlsold"), provider.DiscoveryUrl);

        var report = await app.WithServicesAsync(services => services.GetRequiredService<SsoHealthChecker>().CheckAndRecordAsync(connection, CancellationToken.None));

        Assert.Equal(SsoHealthStatus.Failing, report.Status);
        var expiry = Assert.Single(report.Findings, f => f.Check == "tls_expiry");
        Assert.False(expiry.Ok);
        Assert.Equal($"The provider's TLS certificate expired on {tls.NotAfter.UtcDateTime:yyyy-MM-dd}. Sign-ins fail until the provider rotates it.", expiry.Explanation);
        // An expired certificate is refused, trusted CA or not: nothing was loaded over it.
        Assert.False(Assert.Single(report.Findings, f => f.Check == "discovery").Ok);
        Assert.Equal(SsoHealthStatus.Failing, (await app.WithDbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Id == connection.Id))).HealthStatus);
    }

    [Fact]
    public async Task HealthCheck_ProviderCertificateOfAnUntrustedAuthority_IsNotReached()
    {
        // The control: without the setting the same provider's CA is unknown, so its TLS is refused.
        using var tls = TestTls.Create(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await using var provider = await TestProvider.StartHostileAsync(tls: tls);
        await using var app = new SsoApp { AllowHttpProviders = false };
        var connection = await app.CreateConnectionAsync(TestAccounts.Unique("tlsunknown"), provider.DiscoveryUrl);

        var report = await app.WithServicesAsync(services => services.GetRequiredService<SsoHealthChecker>().CheckAsync(connection, CancellationToken.None));

        var discovery = Assert.Single(report.Findings, f => f.Check == "discovery");
        Assert.False(discovery.Ok);
        Assert.Contains("could not be reached", discovery.Explanation, StringComparison.Ordinal);
        Assert.Equal(0, (await provider.StatsAsync()).Discovery);
    }

    [Fact]
    public async Task SignIn_ProviderOverTlsOfTrustedAuthority_SignsIn()
    {
        using var tls = TestTls.Create(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await using var provider = await TestProvider.StartHostileAsync(tls: tls);
        await using var app = new SsoApp { AllowHttpProviders = false, TrustedCertificateAuthoritiesFile = tls.AuthorityFile };
        var slug = TestAccounts.Unique("tlssign");
        await app.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        var member = await app.CreateMemberAsync(slug, $"tess@{slug}.example");
        await provider.SetAsync(("email", $"tess@{slug}.example"), ("userinfo", "ok"));
        using var browser = app.CreateBrowser();

        var authorize = await SsoApp.StartAsync(browser, slug);
        using var response = await SsoApp.CallbackAsync(browser, await SsoApp.AtProviderAsync(authorize, tls: tls));

        Assert.StartsWith(provider.Issuer, authorize.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var recorded = await app.EventOfAsync(response);
        Assert.Equal((ReasonCodes.SignedIn, member.Id), (recorded.ReasonCode, recorded.AccountId));
        Assert.Equal(1, await provider.UserInfoCallsAsync());
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.SingleSignOn;
using Signpost.Core.Tests.SingleSignOn.Saml;
using Signpost.Web.Platform;
using Signpost.Web.Sso;
using Signpost.Web.Sso.Saml;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso.Saml;

/// <summary>The health monitor watches a SAML provider's signing certificate as it watches an OpenID Connect provider's keys.</summary>
public sealed class SamlHealthAlertTests
{
    [Fact]
    public async Task HealthJob_SamlCertificateExpiringInsideWindow_AlertsPracticeAdminsAndOperatorsOnce()
    {
        using var idp = new SamlTestIdp("CN=Expiring SAML IdP", days: 3);
        await using var app = new SsoApp { OperatorsEmail = "operators@payer.example" };
        var slug = TestAccounts.Unique("sexpire");
        var connection = await app.CreateSamlConnectionAsync(slug, new SamlConnectionRequest(null, idp.Metadata()));
        await app.WithServicesAsync(services => services.GetRequiredService<PlatformProvisioning>().CreateAccountAsync(
            slug, TestAccounts.Unique("padmin"), $"padmin@{slug}.example", "Practice Admin", null, PracticeRoles.PracticeAdmin, PlatformRoles.None, TestAccounts.Password, CancellationToken.None).Done());
        var job = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SsoHealthJob>().Single();

        await job.RunOnceAsync(CancellationToken.None);
        await job.RunOnceAsync(CancellationToken.None);

        var mail = Assert.Single(app.PickedUpMail());
        Assert.Contains("operators@payer.example", mail, StringComparison.Ordinal);
        Assert.Contains($"padmin@{slug}.example", mail, StringComparison.Ordinal);
        Assert.Contains("Signing certificate CN=Expiring SAML IdP", mail, StringComparison.Ordinal);
        Assert.Contains("expires in 3 day(s)", mail, StringComparison.Ordinal);
        var stored = await app.WithDbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Id == connection.Id));
        Assert.Equal(SsoHealthStatus.Warning, stored.HealthStatus);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;
using Signpost.Core.Tests.SingleSignOn.Saml;
using Signpost.Core.Troubleshooting;
using Signpost.Web.Sso;
using Signpost.Web.Sso.Saml;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso.Saml;

/// <summary>Troubleshooter step 4 reads a SAML connection's health as it reads an OpenID Connect one's.</summary>
public sealed class SamlDiagnosisTests(SsoAppFixture fixture) : IClassFixture<SsoAppFixture>
{
    private SsoApp App => fixture.App;

    private async Task<StepResult> DiagnoseAfterCheckAsync(SamlTestIdp idp, string prefix)
    {
        var slug = TestAccounts.Unique(prefix);
        var connection = await App.CreateSamlConnectionAsync(slug, new SamlConnectionRequest(null, idp.Metadata()));
        var member = await App.CreateMemberAsync(slug, $"pat@{slug}.example");
        var stored = await App.WithServicesAsync(services => services.GetRequiredService<SsoConnectionManager>().FindAsync(slug, CancellationToken.None));
        await App.WithServicesAsync(services => services.GetRequiredService<SsoHealthChecker>().CheckAndRecordAsync(stored!, CancellationToken.None));
        var result = await App.WithServicesAsync(services => services.GetRequiredService<Troubleshooter>().DiagnoseAccountAsync(member.Id, cancellationToken: CancellationToken.None));
        Assert.Equal(DiagnosisStatus.Diagnosed, result.Status);
        var step = result.Diagnosis!.Step(TroubleshootingSteps.EvaluateSignOnMethod);
        Assert.Contains(step.Evidence, e => e.Contains(connection.Id.ToString(), StringComparison.Ordinal));
        return step;
    }

    [Fact]
    public async Task Diagnosis_SamlCertificateExpired_Step4PointsAtTheSignature()
    {
        using var idp = new SamlTestIdp("CN=Expired SAML IdP", days: -1);

        var step = await DiagnoseAfterCheckAsync(idp, "sdiag-expired");

        Assert.Equal(StepStatus.Problem, step.Status);
        Assert.Contains(ReasonCodes.SsoSignatureInvalid, step.RelatedReasonCodes);
        Assert.Contains(step.Evidence, e => e.StartsWith("Its signing certificate expired at", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Diagnosis_HealthySamlProvider_Step4IsOkWithCertificateExpiry()
    {
        using var idp = new SamlTestIdp("CN=Healthy SAML IdP", days: 90);

        var step = await DiagnoseAfterCheckAsync(idp, "sdiag-ok");

        Assert.Equal(StepStatus.Ok, step.Status);
        Assert.Contains(step.Evidence, e => e.StartsWith("Its signing certificate is valid until", StringComparison.Ordinal));
    }
}

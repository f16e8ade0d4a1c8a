using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;
using Signpost.Core.Troubleshooting;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>
/// Troubleshooter step 4 reads the practice's connection and its newest health record from the database:
/// a provider that does not answer, one that answers wrongly, and one that is fine each read as such.
/// </summary>
public sealed class SsoDiagnosisTests(SsoAppFixture fixture) : IClassFixture<SsoAppFixture>
{
    private SsoApp App => fixture.App;

    /// <summary>A member of a practice whose connection points at <paramref name="discoveryUrl"/>, checked once, then diagnosed.</summary>
    private async Task<(SsoConnection Connection, StepResult Step)> DiagnoseAfterCheckAsync(string discoveryUrl, string prefix)
    {
        var slug = TestAccounts.Unique(prefix);
        var connection = await App.CreateConnectionAsync(slug, discoveryUrl);
        var member = await App.CreateMemberAsync(slug, $"pat@{slug}.example");
        await App.WithServicesAsync(services => services.GetRequiredService<SsoHealthChecker>().CheckAndRecordAsync(connection, CancellationToken.None));
        var result = await App.WithServicesAsync(services => services.GetRequiredService<Troubleshooter>().DiagnoseAccountAsync(member.Id, cancellationToken: CancellationToken.None));
        Assert.Equal(DiagnosisStatus.Diagnosed, result.Status);
        return (connection, result.Diagnosis!.Step(TroubleshootingSteps.EvaluateSignOnMethod));
    }

    [Fact]
    public async Task Diagnosis_ProviderNotAnswering_Step4ShowsUnreachableWithTheCheckedError()
    {
        var dead = $"http://127.0.0.1:{TestProvider.FreePort()}{SsoConnection.WellKnownSuffix}";

        var (connection, step) = await DiagnoseAfterCheckAsync(dead, "diag-dead");

        Assert.Equal(StepStatus.Problem, step.Status);
        Assert.Contains(ReasonCodes.SsoProviderUnreachable, step.RelatedReasonCodes);
        Assert.Contains(step.Evidence, e => e.Contains(connection.Id.ToString(), StringComparison.Ordinal));
        Assert.Contains(step.Evidence, e => e.StartsWith("Its identity provider was unreachable at", StringComparison.Ordinal) && e.Contains("could not be reached", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Diagnosis_ProviderAnsweringBrokenMetadata_Step4ShowsMisconfiguredNotUnreachable()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        await provider.SetAsync(("discovery", "bad-json"));

        var (_, step) = await DiagnoseAfterCheckAsync(provider.DiscoveryUrl, "diag-broken");

        Assert.Equal(StepStatus.Problem, step.Status);
        Assert.Contains(ReasonCodes.SsoProviderMisconfigured, step.RelatedReasonCodes);
        Assert.DoesNotContain(ReasonCodes.SsoProviderUnreachable, step.RelatedReasonCodes);
        Assert.Contains(step.Evidence, e => e.Contains("is not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Diagnosis_HealthyProvider_Step4IsOkWithKeyExpiry()
    {
        await using var provider = await TestProvider.StartHostileAsync(certificateDays: 90);

        var (_, step) = await DiagnoseAfterCheckAsync(provider.DiscoveryUrl, "diag-healthy");

        Assert.Equal(StepStatus.Ok, step.Status);
        Assert.Contains(step.Evidence, e => e.StartsWith("Its signing certificate is valid until", StringComparison.Ordinal));
        Assert.Contains(step.Evidence, e => e.StartsWith("It passed its last health check", StringComparison.Ordinal));
    }
}

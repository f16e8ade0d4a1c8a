using System.Text.Json;
using Signpost.Core.Escalation;
using Signpost.Core.Escalation.Rules;
using Signpost.Core.Reasons;
using Signpost.Core.Tests.Fakes;
using Signpost.Core.Troubleshooting;
using Signpost.Core.Troubleshooting.Checks;

namespace Signpost.Core.Tests.Troubleshooting;

/// <summary>Bad input, steps that say "not used here", audiences, determinism and pluggable checks.</summary>
public sealed class TroubleshooterTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not-a-trace-id")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    [InlineData("0123456789abcdef0123456789abcdeg")]
    [InlineData("'; DROP TABLE SignInEvents; --")]
    public async Task DiagnoseTrace_Malformed_RefusedWithoutReadingFacts(string? traceId)
    {
        var scene = new Scene();

        var result = await scene.Troubleshooter().DiagnoseTraceAsync(traceId, DiagnosisAudience.Support, CancellationToken.None);

        Assert.Equal(DiagnosisStatus.MalformedTraceId, result.Status);
        Assert.Null(result.Diagnosis);
        Assert.Contains("32 hexadecimal", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiagnoseTrace_Huge_RefusedAsMalformed()
    {
        var result = await new Scene().Troubleshooter().DiagnoseTraceAsync(new string('a', 1_000_000), DiagnosisAudience.Support, CancellationToken.None);

        Assert.Equal(DiagnosisStatus.MalformedTraceId, result.Status);
    }

    [Fact]
    public async Task DiagnoseTrace_UnknownButWellFormed_SaysUnknown()
    {
        var result = await new Scene().Troubleshooter().DiagnoseTraceAsync("0123456789abcdef0123456789abcdef", DiagnosisAudience.Support, CancellationToken.None);

        Assert.Equal(DiagnosisStatus.UnknownTraceId, result.Status);
        Assert.Null(result.Diagnosis);
    }

    [Fact]
    public async Task DiagnoseTrace_TypedWithCapitalsAndSpaces_IsNormalised()
    {
        var scene = new Scene();
        var attempt = scene.Attempt(ReasonCodes.InvalidCredentials);

        var result = await scene.Troubleshooter().DiagnoseTraceAsync($"  {attempt.TraceId.ToUpperInvariant()} ", DiagnosisAudience.Support, CancellationToken.None);

        Assert.Equal(DiagnosisStatus.Diagnosed, result.Status);
        Assert.Equal(attempt.TraceId, result.Diagnosis!.TraceId);
    }

    [Fact]
    public async Task DiagnoseAccount_UnknownAccountOrBadRange_Refused()
    {
        var scene = new Scene();
        var troubleshooter = scene.Troubleshooter();
        var now = scene.Time.GetUtcNow();

        var unknown = await troubleshooter.DiagnoseAccountAsync(Guid.NewGuid(), null, null, DiagnosisAudience.Support, CancellationToken.None);
        var backwards = await troubleshooter.DiagnoseAccountAsync(scene.Person.Id, now, now.AddHours(-1), DiagnosisAudience.Support, CancellationToken.None);
        var tooLong = await troubleshooter.DiagnoseAccountAsync(scene.Person.Id, now.AddDays(-40), now, DiagnosisAudience.Support, CancellationToken.None);

        Assert.Equal(DiagnosisStatus.UnknownAccount, unknown.Status);
        Assert.Equal(DiagnosisStatus.InvalidRange, backwards.Status);
        Assert.Equal(DiagnosisStatus.InvalidRange, tooLong.Status);
    }

    [Fact]
    public async Task DiagnoseAccount_NoEvents_StepsWithoutFactsSayNotUsedHereOrUnknownNeverOk()
    {
        var scene = new Scene();

        var diagnosis = await scene.DiagnoseAccountAsync();

        Assert.Null(diagnosis.RootCause);
        Assert.Null(diagnosis.Focus);
        Assert.Equal(StepStatus.Unknown, diagnosis.Step(1).Status);
        Assert.Equal(StepStatus.NotUsedHere, diagnosis.Step(1).Findings.Single(f => f.Check == "mfa").Status);
        Assert.Equal(StepStatus.NotUsedHere, diagnosis.Step(4).Findings.Single(f => f.Check == "sso").Status);
        Assert.Contains("not used here", string.Join(" ", diagnosis.Step(4).Evidence), StringComparison.Ordinal);
        Assert.Equal(StepStatus.Ok, diagnosis.Step(3).Status);
        Assert.Equal(StepStatus.Unknown, diagnosis.Step(5).Status);
        Assert.Equal(StepStatus.Unknown, diagnosis.Step(6).Status);
        Assert.False(diagnosis.Escalation.Escalate);
    }

    [Fact]
    public async Task DiagnoseTrace_UnknownNpi_SupportSeesSimilarIdentifiersPracticeAdminDoesNot()
    {
        var scene = new Scene();
        scene.Stranger("1234567894", "npi");

        var support = await scene.DiagnoseTraceAsync(audience: DiagnosisAudience.Support);
        var admin = await scene.DiagnoseTraceAsync(audience: DiagnosisAudience.PracticeAdmin);

        Assert.Equal(StepStatus.Problem, support.Step(1).Status);
        Assert.Contains(support.Step(1).Evidence, e => e.Contains("1234567893", StringComparison.Ordinal) && e.Contains("support only", StringComparison.Ordinal));
        Assert.DoesNotContain(admin.Step(1).Evidence, e => e.Contains("1234567893", StringComparison.Ordinal));
        Assert.Equal(StepStatus.Unknown, support.Step(3).Status);
    }

    [Fact]
    public async Task DiagnoseAccount_Locked_EvidenceSaysUntilWhenAndFromWhere()
    {
        var scene = new Scene();
        scene.Attempts(4, ReasonCodes.InvalidCredentials, e => e.ClientIp = "192.0.2.99");
        var until = scene.Time.GetUtcNow().AddMinutes(15);
        scene.Lock(until, failures: 4);

        var diagnosis = await scene.DiagnoseAccountAsync();

        var state = diagnosis.Step(3);
        Assert.Equal(StepStatus.Problem, state.Status);
        Assert.Contains(state.Evidence, e => e.Contains(Evidence.Utc(until), StringComparison.Ordinal) && e.Contains("every browser the account does not trust", StringComparison.Ordinal));
        Assert.Contains(state.Evidence, e => e.Contains("192.0.2.99", StringComparison.Ordinal));
        Assert.Equal(ReasonCodes.AccountLocked, diagnosis.RootCauseCode);
    }

    [Fact]
    public async Task Diagnose_SameFacts_SameDiagnosis()
    {
        var scene = new Scene();
        scene.Attempts(3, ReasonCodes.InvalidCredentials);
        scene.Attempt(ReasonCodes.ResetRequested, method: Events.SignInMethod.PasswordReset);

        var first = JsonSerializer.Serialize(await scene.DiagnoseAccountAsync());
        var second = JsonSerializer.Serialize(await scene.DiagnoseAccountAsync());

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Diagnose_AddedCheck_PlugsIntoItsStepAndCanDecideTheRootCause()
    {
        // Arrange: a check the SSO feature might add, reporting its connection down.
        var scene = new Scene();
        scene.Attempt(ReasonCodes.InvalidCredentials);
        var checks = BuiltInChecks.Create().Append(new FixedCheck(4, "sso connection", CheckFinding.Problem("sso connection", [ReasonCodes.SsoProviderUnreachable], "Probe failed.")));
        var troubleshooter = new Troubleshooter(scene.Facts, checks, new FixedOptionsMonitor<EscalationOptions>(scene.Escalation), scene.Time);

        // Act
        var diagnosis = (await troubleshooter.DiagnoseTraceAsync(scene.LastTrace, DiagnosisAudience.Support, CancellationToken.None)).Diagnosis!;

        // Assert
        Assert.Contains(diagnosis.Step(4).Findings, f => f.Check == "sso connection");
        Assert.Equal(StepStatus.Problem, diagnosis.Step(4).Status);
        Assert.Equal(ReasonCodes.SsoProviderUnreachable, diagnosis.RootCauseCode);
    }

    [Fact]
    public async Task Incident_CarriesTheDataPointsOfSection6AndSerialises()
    {
        var scene = new Scene();
        scene.Attempt(ReasonCodes.InvalidCredentials, e => { e.IdentifierKind = "npi"; e.Identifier = "1234567893"; });
        scene.Attempt(ReasonCodes.ResetRequested, method: Events.SignInMethod.PasswordReset);
        scene.Attempt(ReasonCodes.InvalidCredentials, e => { e.ClientIp = "198.51.100.7"; e.NetworkLabel = "VPN egress"; });

        var diagnosis = await scene.DiagnoseTraceAsync();
        var incident = diagnosis.Incident;

        Assert.Equal("dr.ivy", incident.ProviderId);
        Assert.Equal("1234567893", incident.Npi);
        Assert.Equal("Harbor Family Practice", incident.PracticeName);
        Assert.Equal("1 Harbor Way, Portland, ME", incident.PracticeAddress);
        Assert.Equal(ReasonCodes.InvalidCredentials, incident.ReasonCode);
        Assert.Equal(ReasonCatalogue.Get(ReasonCodes.InvalidCredentials).UserMessage, incident.ErrorText);
        Assert.Equal(2, incident.Failures.Count);
        Assert.Equal("2026-03-02 04:03:00 -05:00", incident.Failures[^1].PracticeLocal);
        Assert.Equal("Chrome", incident.Browser);
        Assert.Equal("VPN egress (198.51.100.7)", incident.NetworkPath);
        Assert.False(incident.SsoInvolved);
        Assert.Contains("requested a password reset", incident.StepsTried);
        Assert.Contains(incident.StepsTried, s => s.StartsWith("tried another identifier", StringComparison.Ordinal));
        Assert.Contains(incident.StepsTried, s => s.StartsWith("tried another network", StringComparison.Ordinal));
        Assert.Contains(scene.LastTrace, incident.TraceIds);
        var json = JsonSerializer.Serialize(incident);
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<IncidentDataPoints>(json)));
    }

    [Fact]
    public void Recommend_ContextBuiltFromListsAlone_AppliesTheEngineRules()
    {
        // Arrange: events only, no facts store.
        var scene = new Scene();
        scene.Attempt(ReasonCodes.NetworkNotAllowed, e => { e.ClientIp = "198.51.100.7"; e.NetworkLabel = "VPN egress"; });
        var last = scene.Attempt(ReasonCodes.NetworkNotAllowed, e => { e.ClientIp = "192.0.2.55"; e.NetworkLabel = "home"; });
        var context = new TroubleshootingContext { Now = scene.Time.GetUtcNow(), From = Scene.Start, To = scene.Time.GetUtcNow(), Focus = last, Events = scene.Facts.Events };

        // Act
        var recommendation = DiagnosisEscalation.Recommend(context, ReasonCodes.NetworkNotAllowed);
        var nothing = DiagnosisEscalation.Recommend(context with { Events = [last] }, ReasonCodes.NetworkNotAllowed);

        // Assert
        Assert.True(recommendation.Escalate);
        Assert.Equal(EveryNetworkFailsRule.Id, recommendation.RuleId);
        Assert.Contains("label:VPN egress, label:home", recommendation.Explanation, StringComparison.Ordinal);
        Assert.False(nothing.Escalate);
        Assert.Equal(ReasonCatalogue.Get(ReasonCodes.NetworkNotAllowed).Escalation, nothing.When);
    }

    private sealed class FixedCheck(int step, string name, CheckFinding finding) : ITroubleshootingCheck
    {
        public int Step => step;

        public string Name => name;

        public ValueTask<CheckFinding> RunAsync(TroubleshootingContext context, CancellationToken cancellationToken) => ValueTask.FromResult(finding);
    }
    [Fact]
    public async Task NetworkStep_RateLimitedByAddress_IsANetworkProblem()
    {
        var scene = new Scene();
        var attempt = scene.Attempt(ReasonCodes.RateLimited, e => e.Detail = "31 attempts from 203.0.113.7 in the last minute (limit 30).");

        var diagnosis = await scene.DiagnoseTraceAsync(attempt.TraceId);

        var step = diagnosis.Step(TroubleshootingSteps.NetworkPath);
        Assert.Equal(StepStatus.Problem, step.Status);
        Assert.Contains(step.Evidence, e => e.Contains("many attempts from one address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NetworkStep_RefusedAtHashAdmission_SaysBusyServer_NotThisNetwork()
    {
        var scene = new Scene();
        var attempt = scene.Attempt(ReasonCodes.RateLimited, e => e.Detail =
            Signpost.Core.SignIn.PasswordSignIn.AdmissionRefusedDetail + ": 8 untrusted attempts already waited for a hash on this node; retry after 2 s.");

        var diagnosis = await scene.DiagnoseTraceAsync(attempt.TraceId);

        // The attempt's own reason is still reported at step 6; the evidence says what it was.
        var step = diagnosis.Step(TroubleshootingSteps.NetworkPath);
        Assert.Equal(ReasonCodes.RateLimited, diagnosis.RootCauseCode);
        Assert.DoesNotContain(step.Evidence, e => e.Contains("many attempts from one address", StringComparison.Ordinal));
        Assert.Contains(step.Evidence, e => e.Contains("busy checking other passwords", StringComparison.Ordinal));
    }
}

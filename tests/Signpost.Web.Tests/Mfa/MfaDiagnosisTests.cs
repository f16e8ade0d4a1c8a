using System.Net;
using System.Text.Json;
using Signpost.Core.Accounts;
using Signpost.Core.Mfa;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;
using static Signpost.Web.Tests.Platform.PlatformPeople;

namespace Signpost.Web.Tests.Mfa;

/// <summary>The troubleshooter's step 1 reads the second factor: it names <c>mfa_clock_skew</c> and <c>mfa_locked</c> with the evidence support needs.</summary>
public sealed class MfaDiagnosisTests(MfaApp app) : IClassFixture<MfaApp>
{
    [Fact]
    public async Task Diagnosis_SkewedAuthenticator_NamesClockSkewWithTheMeasuredSkew()
    {
        // Arrange
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person, "reception tablet");
        var (_, support) = await SignedInAsync(app, "support", null, PlatformRoles.SupportAgent);
        using var _s = support;
        using var client = app.CreateBrowser();
        var token = (await TestBrowser.JsonAsync(await client.ApiSignInAsync(person.Username, TestAccounts.Password))).GetProperty("challengeToken").GetString()!;
        var (_, refused) = await MfaApp.ApiAsync(client, "/api/v1/sign-in/second-factor", new { challengeToken = token, code = app.CodeOf(enrolled, 8) });

        // Act
        var view = await DiagnosisAsync(support, refused.GetProperty("traceId").GetString()!);

        // Assert
        Assert.Equal(ReasonCodes.MfaClockSkew, view.GetProperty("rootCause").GetProperty("code").GetString());
        var evidence = StepOne(view);
        Assert.Contains(evidence, e => e.Contains("1 authenticator enrolled (\"reception tablet\"", StringComparison.Ordinal) && e.Contains("10 of 10 recovery codes left", StringComparison.Ordinal));
        Assert.Contains(evidence, e => e.Contains("\"reception tablet\": its clock measured 4 minutes ahead", StringComparison.Ordinal));
        Assert.Contains(evidence, e => e.Contains("mfa_clock_skew 1×", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Diagnosis_LockedSecondFactor_NamesTheLockWithItsEndAndCount()
    {
        // Arrange: five wrong codes, then one more while locked.
        var (_, person) = await app.PersonAsync(SecondFactorPolicy.RequiredForEveryone);
        var enrolled = await app.EnrolAsync(person);
        var (_, support) = await SignedInAsync(app, "support", null, PlatformRoles.SupportAgent);
        using var _s = support;
        using var client = app.CreateBrowser();
        var token = (await TestBrowser.JsonAsync(await client.ApiSignInAsync(person.Username, TestAccounts.Password))).GetProperty("challengeToken").GetString()!;
        var near = Enumerable.Range(-25, 51).Select(o => app.CodeOf(enrolled, o)).ToHashSet();
        var wrong = Enumerable.Range(0, 1000).Select(i => i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).First(c => !near.Contains(c));
        JsonElement last = default;
        for (var i = 0; i <= SecondFactorCheck.FailureThreshold; i++)
        {
            (_, last) = await MfaApp.ApiAsync(client, "/api/v1/sign-in/second-factor", new { challengeToken = token, code = wrong });
        }

        // Act
        var view = await DiagnosisAsync(support, last.GetProperty("traceId").GetString()!);

        // Assert
        Assert.Equal(ReasonCodes.MfaLocked, last.GetProperty("code").GetString());
        Assert.Equal(ReasonCodes.MfaLocked, view.GetProperty("rootCause").GetProperty("code").GetString());
        var evidence = StepOne(view);
        var until = (await app.StateAsync(person.Id))!.LockedUntil!.Value;
        Assert.Contains(evidence, e => e.Contains($"The second factor is locked until {until.UtcDateTime:yyyy-MM-dd HH:mm}", StringComparison.Ordinal) && e.Contains("after 5 wrong codes", StringComparison.Ordinal));
        Assert.Contains(evidence, e => e.Contains("mfa_code_invalid 5×", StringComparison.Ordinal) && e.Contains("mfa_locked 1×", StringComparison.Ordinal));
    }

    private static async Task<JsonElement> DiagnosisAsync(TestBrowser support, string traceId)
    {
        var response = await support.GetAsync($"/api/v1/diagnoses/{traceId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestBrowser.JsonAsync(response);
    }

    private static List<string> StepOne(JsonElement view) =>
        view.GetProperty("steps")[0].GetProperty("evidence").EnumerateArray().Select(e => e.GetString()!).ToList();
}

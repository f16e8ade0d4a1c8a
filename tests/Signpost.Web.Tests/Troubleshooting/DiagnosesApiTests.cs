using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Reasons;
using Signpost.Web.Infrastructure;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Troubleshooting;

/// <summary>
/// Failure stories played for real against the server (SQLite): the attempts are made through the sign-in
/// API, the persisted events are checked, and the diagnosis API must explain them.
/// </summary>
public sealed class DiagnosesApiTests(DiagnosisApp app) : IClassFixture<DiagnosisApp>
{
    private static string RootCause(JsonElement view) => view.GetProperty("rootCause").GetProperty("code").GetString()!;

    private static JsonElement Step(JsonElement view, int number) => view.GetProperty("steps")[number - 1];

    [Fact]
    public async Task Story_WrongPasswordsThenLocked_SupportSeesTheLockBehindNotRecognised()
    {
        // Arrange: a practice that locks after three failures.
        var slug = TestAccounts.Unique("harbor");
        await app.CreateOrganizationAsync(slug, "Harbor Clinic", p => p.LockoutThreshold = 3);
        var ivy = await app.CreateAccountAsync(TestAccounts.Unique("ivy"), slug);
        using var support = await app.SignedInAsync(PlatformRoles.SupportAgent);

        // Act: three wrong passwords, then the right one while locked.
        for (var i = 0; i < 3; i++)
        {
            await app.AttemptAsync(ivy.Username, "wrong password, typed in a hurry");
        }

        var (traceId, shown) = await app.AttemptAsync(ivy.Username, TestAccounts.Password);
        var (status, view) = await DiagnosisApp.GetJsonAsync(support, $"/api/v1/diagnoses/{traceId}");
        var (accountStatus, accountView) = await DiagnosisApp.GetJsonAsync(support, $"/api/v1/accounts/{ivy.Id}/diagnosis");

        // Assert: what was written, then what the diagnosis says about it.
        Assert.Equal(ReasonCodes.InvalidCredentials, shown);
        var events = await app.EventsForAccountAsync(ivy.Id);
        Assert.Equal([ReasonCodes.InvalidCredentials, ReasonCodes.InvalidCredentials, ReasonCodes.InvalidCredentials, ReasonCodes.AccountLocked], events.Select(e => e.ReasonCode));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ReasonCodes.AccountLocked, RootCause(view));
        Assert.Equal(ReasonCatalogue.Get(ReasonCodes.AccountLocked).ImmediateAction, view.GetProperty("immediateAction").GetString());
        Assert.Equal($"{SignpostFactory.PublicBaseUrl}/help/codes/account_locked", view.GetProperty("rootCause").GetProperty("helpUrl").GetString());
        Assert.Equal("Problem", Step(view, 3).GetProperty("status").GetString());
        Assert.Contains(Step(view, 3).GetProperty("evidence").EnumerateArray(), e => e.GetString()!.Contains("203.0.113.10", StringComparison.Ordinal));
        Assert.Equal("Problem", Step(view, 1).GetProperty("status").GetString());
        Assert.False(view.GetProperty("escalation").GetProperty("escalate").GetBoolean());
        Assert.Equal(traceId, view.GetProperty("focus").GetProperty("traceId").GetString());
        Assert.Equal(ivy.Username, view.GetProperty("incident").GetProperty("providerId").GetString());
        Assert.Equal(4, view.GetProperty("incident").GetProperty("failures").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, accountStatus);
        Assert.Equal(ReasonCodes.AccountLocked, RootCause(accountView));
    }

    [Fact]
    public async Task Story_MistypedUsername_SupportSeesSimilarIdentifierPracticeAdminDoesNot()
    {
        // Arrange
        var slug = TestAccounts.Unique("cove");
        await app.CreateOrganizationAsync(slug, "Cove Clinic");
        var real = await app.CreateAccountAsync(TestAccounts.Unique("rowan"), slug);
        using var support = await app.SignedInAsync(PlatformRoles.SupportAgent);
        using var admin = await app.SignedInAsync(practiceAdminOf: slug);

        // Act: one letter dropped.
        var (traceId, _) = await app.AttemptAsync(real.Username[..^1], TestAccounts.Password);
        var (status, view) = await DiagnosisApp.GetJsonAsync(support, $"/api/v1/diagnoses/{traceId}");
        var (adminStatus, adminBody) = await DiagnosisApp.GetJsonAsync(admin, $"/api/v1/diagnoses/{traceId}");

        // Assert
        var written = await app.EventAsync(traceId);
        Assert.Null(written.AccountId);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ReasonCodes.InvalidCredentials, RootCause(view));
        Assert.Contains(Step(view, 1).GetProperty("evidence").EnumerateArray(), e => e.GetString()!.Contains(real.Username, StringComparison.Ordinal));
        Assert.Equal("Unknown", Step(view, 3).GetProperty("status").GetString());

        // An attempt on no account is nobody's practice: the practice admin gets "no such trace ID", and it is audited.
        Assert.Equal(HttpStatusCode.NotFound, adminStatus);
        Assert.Equal("not_found", adminBody.GetProperty("code").GetString());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == AdminScope.RefusalAction && a.TargetId == traceId)));
    }

    [Fact]
    public async Task Story_RefusedFromEveryNetwork_EscalatesToPayerSupport()
    {
        // Arrange: only the practice LAN may sign in; the VPN's egress is declared but not allowed.
        var slug = TestAccounts.Unique("inlet");
        var practice = await app.CreateOrganizationAsync(slug, "Inlet Clinic", p => p.RestrictToAllowedNetworks = true);
        await app.WithDbAsync(async db =>
        {
            var organization = await db.Organizations.SingleAsync(o => o.Id == practice.Id);
            organization.NetworkRanges = [new() { Cidr = "203.0.113.0/24", Label = "LAN" }, new() { Cidr = "198.51.100.0/24", Label = "VPN egress", Allowed = false }];
            return await db.SaveChangesAsync();
        });
        var kim = await app.CreateAccountAsync(TestAccounts.Unique("kim"), slug);
        using var support = await app.SignedInAsync(PlatformRoles.PlatformAdmin);

        // Act: from the VPN, then from home.
        var (_, vpnShown) = await app.AttemptAsync(kim.Username, TestAccounts.Password, "198.51.100.7");
        var (traceId, _) = await app.AttemptAsync(kim.Username, TestAccounts.Password, "192.0.2.44");
        var (status, view) = await DiagnosisApp.GetJsonAsync(support, $"/api/v1/diagnoses/{traceId}");

        // Assert
        Assert.Equal(ReasonCodes.NetworkNotAllowed, vpnShown);
        var events = await app.EventsForAccountAsync(kim.Id);
        Assert.Equal(["198.51.100.7", "192.0.2.44"], events.Select(e => e.ClientIp));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ReasonCodes.NetworkNotAllowed, RootCause(view));
        var escalation = view.GetProperty("escalation");
        Assert.True(escalation.GetProperty("escalate").GetBoolean());
        Assert.Equal(["PayerSupport"], escalation.GetProperty("targets").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("network.every_network_fails", escalation.GetProperty("ruleId").GetString());
        Assert.Equal("Problem", Step(view, 6).GetProperty("status").GetString());
        Assert.Equal("Problem", Step(view, 8).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Story_DisabledAccount_PracticeAdminOfThePracticeReadsItOtherPracticesAdminCannot()
    {
        // Arrange
        var slug = TestAccounts.Unique("ridge");
        await app.CreateOrganizationAsync(slug, "Ridge Clinic");
        var otherSlug = TestAccounts.Unique("vale");
        await app.CreateOrganizationAsync(otherSlug, "Vale Clinic");
        var lee = await app.CreateAccountAsync(TestAccounts.Unique("lee"), slug);
        await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == lee.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AccountStatus.Disabled)));
        using var ownAdmin = await app.SignedInAsync(practiceAdminOf: slug);
        using var otherAdmin = await app.SignedInAsync(practiceAdminOf: otherSlug);

        // Act
        var (traceId, shown) = await app.AttemptAsync(lee.Username, TestAccounts.Password);
        var (ownStatus, ownView) = await DiagnosisApp.GetJsonAsync(ownAdmin, $"/api/v1/accounts/{lee.Id}/diagnosis");
        var (otherStatus, otherBody) = await DiagnosisApp.GetJsonAsync(otherAdmin, $"/api/v1/accounts/{lee.Id}/diagnosis");
        var (otherTraceStatus, _) = await DiagnosisApp.GetJsonAsync(otherAdmin, $"/api/v1/diagnoses/{traceId}");

        // Assert
        Assert.Equal(ReasonCodes.AccountDisabled, shown);
        Assert.Equal(ReasonCodes.AccountDisabled, (await app.EventAsync(traceId)).ReasonCode);
        Assert.Equal(HttpStatusCode.OK, ownStatus);
        Assert.Equal(ReasonCodes.AccountDisabled, RootCause(ownView));
        Assert.Equal(ReasonCatalogue.Get(ReasonCodes.AccountDisabled).ImmediateAction, ownView.GetProperty("immediateAction").GetString());
        Assert.Equal(HttpStatusCode.NotFound, otherStatus);
        Assert.Equal("not_found", otherBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, otherTraceStatus);
    }

    [Fact]
    public async Task Diagnoses_ByRole_AnonymousUnauthorizedPlainUserForbidden()
    {
        var slug = TestAccounts.Unique("dune");
        await app.CreateOrganizationAsync(slug, "Dune Clinic");
        var pat = await app.CreateAccountAsync(TestAccounts.Unique("pat"), slug);
        var (traceId, _) = await app.AttemptAsync(pat.Username, "not the password at all");
        using var anonymous = app.CreateBrowser();
        using var plain = app.CreateBrowser();
        await plain.ApiSignInAsync(pat.Username, TestAccounts.Password);

        foreach (var path in new[] { $"/api/v1/diagnoses/{traceId}", $"/api/v1/accounts/{pat.Id}/diagnosis" })
        {
            var (anonymousStatus, anonymousBody) = await DiagnosisApp.GetJsonAsync(anonymous, path);
            var (plainStatus, plainBody) = await DiagnosisApp.GetJsonAsync(plain, path);

            Assert.Equal(HttpStatusCode.Unauthorized, anonymousStatus);
            Assert.Equal("unauthorized", anonymousBody.GetProperty("code").GetString());
            Assert.Equal(HttpStatusCode.Forbidden, plainStatus);
            Assert.Equal("forbidden", plainBody.GetProperty("code").GetString());
        }
    }

    public static TheoryData<string, HttpStatusCode, string> BadInputs() => new()
    {
        { "/api/v1/diagnoses/not-a-trace-id", HttpStatusCode.BadRequest, "invalid_trace_id" },
        { "/api/v1/diagnoses/" + new string('f', 2000), HttpStatusCode.BadRequest, "invalid_trace_id" },
        { "/api/v1/diagnoses/%01%02%1B%5B31m%E2%80%AE", HttpStatusCode.BadRequest, "invalid_trace_id" },
        { "/api/v1/diagnoses/0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound, "not_found" },
        { "/api/v1/accounts/not-a-guid/diagnosis", HttpStatusCode.BadRequest, "invalid_account_id" },
        { "/api/v1/accounts/3f2504e0-4f89-11d3-9a0c-0305e82c3301/diagnosis", HttpStatusCode.NotFound, "not_found" },
        { "/api/v1/accounts/3f2504e0-4f89-11d3-9a0c-0305e82c3301/diagnosis?from=yesterday", HttpStatusCode.BadRequest, "invalid_range" },
        { "/api/v1/accounts/3f2504e0-4f89-11d3-9a0c-0305e82c3301/diagnosis?from=" + new string('9', 5000), HttpStatusCode.BadRequest, "invalid_range" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Diagnoses_BadOrUnknownInput_ClearProblemNever500(string path, HttpStatusCode status, string code)
    {
        using var support = await app.SignedInAsync(PlatformRoles.SupportAgent);

        var (actual, body) = await DiagnosisApp.GetJsonAsync(support, path);

        Assert.Equal(status, actual);
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal(32, body.GetProperty("traceId").GetString()!.Length);
    }

    [Fact]
    public async Task AccountDiagnosis_RangeTooLongOrBackwardsOrNoEvents_AnswersClearly()
    {
        var slug = TestAccounts.Unique("mesa");
        await app.CreateOrganizationAsync(slug, "Mesa Clinic");
        var quiet = await app.CreateAccountAsync(TestAccounts.Unique("quiet"), slug);
        using var support = await app.SignedInAsync(PlatformRoles.SupportAgent);
        var path = $"/api/v1/accounts/{quiet.Id}/diagnosis";

        var (longStatus, longBody) = await DiagnosisApp.GetJsonAsync(support, $"{path}?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z");
        var (backStatus, _) = await DiagnosisApp.GetJsonAsync(support, $"{path}?from=2026-03-01T00:00:00Z&to=2026-02-01T00:00:00Z");
        var (quietStatus, quietView) = await DiagnosisApp.GetJsonAsync(support, path);
        var now = DateTimeOffset.UtcNow;
        var local = Uri.EscapeDataString(now.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        var (offsetStatus, offsetView) = await DiagnosisApp.GetJsonAsync(support, $"{path}?to={local}");

        Assert.Equal(HttpStatusCode.BadRequest, longStatus);
        Assert.Equal("invalid_range", longBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, backStatus);
        Assert.Equal(HttpStatusCode.OK, quietStatus);
        Assert.Equal(JsonValueKind.Null, quietView.GetProperty("rootCause").ValueKind);
        Assert.Equal("NotUsedHere", Step(quietView, 4).GetProperty("findings")[1].GetProperty("status").GetString());
        Assert.Equal(8, quietView.GetProperty("steps").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, offsetStatus);
        Assert.Equal(TimeSpan.Zero, offsetView.GetProperty("to").GetDateTimeOffset().Offset);
    }

    [Fact]
    public async Task OpenApi_Document_ListsBothDiagnosisOperations()
    {
        using var client = app.CreateBrowser();

        var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await TestBrowser.JsonAsync(response)).GetProperty("paths");
        Assert.True(paths.GetProperty("/api/v1/diagnoses/{traceId}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/accounts/{id}/diagnosis").TryGetProperty("get", out var account));
        Assert.Contains(account.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "from");
    }
}

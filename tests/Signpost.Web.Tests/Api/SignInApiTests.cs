using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Api;

/// <summary><c>POST /api/v1/sign-in</c> for apps: the account and a session, or an RFC 9457 problem with a trace ID.</summary>
public sealed class SignInApiTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task SignIn_CorrectPassword_Returns200WithAccountAndSessionCookie()
    {
        // Arrange
        var slug = TestAccounts.Unique("summit");
        await app.CreateOrganizationAsync(slug, "Summit Family Care");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("nia"), slug, displayName: "Nia Summit", npi: "1245319599");
        using var client = app.CreateBrowser();

        // Act: by NPI, one of the alternative identifiers.
        var response = await client.ApiSignInAsync("1245319599", TestAccounts.Password);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(setCookies, c => c.StartsWith("sp_session=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(setCookies, c => c.StartsWith("sp_dev_", StringComparison.Ordinal));

        var body = await TestBrowser.JsonAsync(response);
        Assert.Equal(ReasonCodes.SignedIn, body.GetProperty("code").GetString());
        Assert.Equal(account.Id, body.GetProperty("account").GetProperty("id").GetGuid());
        Assert.Equal(account.Username, body.GetProperty("account").GetProperty("username").GetString());
        Assert.Equal("Nia Summit", body.GetProperty("account").GetProperty("displayName").GetString());
        var organization = Assert.Single(body.GetProperty("account").GetProperty("organizations").EnumerateArray());
        Assert.Equal(slug, organization.GetProperty("slug").GetString());
        Assert.Equal(15, body.GetProperty("idleTimeoutMinutes").GetInt32());

        var recorded = await app.EventAsync(body.GetProperty("traceId").GetString()!);
        Assert.Equal(ReasonCodes.SignedIn, recorded.ReasonCode);
        Assert.Equal(SignInMethod.Api, recorded.Method);
        Assert.Equal("npi", recorded.IdentifierKind);
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.True(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.AccountId == account.Id && s.TraceId == recorded.TraceId)));
    }

    [Fact]
    public async Task SignIn_WrongPassword_ReturnsProblemWithCodeTraceIdAndHelpType()
    {
        // Arrange
        var account = await app.CreateAccountAsync(TestAccounts.Unique("omar"), null);
        using var client = app.CreateBrowser();

        // Act
        var response = await client.ApiSignInAsync(account.Username, TestAccounts.WrongPassword);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        var problem = await TestBrowser.JsonAsync(response);
        Assert.Equal(ReasonCodes.InvalidCredentials, problem.GetProperty("code").GetString());
        Assert.Equal($"{SignpostFactory.PublicBaseUrl}/help/codes/{ReasonCodes.InvalidCredentials}", problem.GetProperty("type").GetString());
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", problem.GetProperty("time").GetString());
        var traceId = problem.GetProperty("traceId").GetString()!;
        Assert.Equal(response.Headers.GetValues("X-Trace-Id").Single(), traceId);

        var recorded = await app.EventAsync(traceId);
        Assert.Equal(ReasonCodes.InvalidCredentials, recorded.ReasonCode);
        Assert.Equal(account.Id, recorded.AccountId);
        Assert.Equal(SignInMethod.Api, recorded.Method);
    }

    public enum AccountState
    {
        Disabled,
        Pending,
        NoMembership,
    }

    [Theory]
    [InlineData(AccountState.Disabled, ReasonCodes.AccountDisabled)]
    [InlineData(AccountState.Pending, ReasonCodes.AccountPendingActivation)]
    [InlineData(AccountState.NoMembership, ReasonCodes.NoActiveMembership)]
    public async Task SignIn_AccountStateBarsEntry_ToldOnlyAfterCorrectPassword(AccountState state, string exactReason)
    {
        // Arrange
        var slug = TestAccounts.Unique("valley");
        await app.CreateOrganizationAsync(slug, "Valley Health");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("pat"), state == AccountState.NoMembership ? null : slug);
        if (state != AccountState.NoMembership)
        {
            var status = state == AccountState.Disabled ? AccountStatus.Disabled : AccountStatus.PendingActivation;
            await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, status)));
        }

        using var client = app.CreateBrowser();

        // Act
        var guessed = await client.ApiSignInAsync(account.Username, TestAccounts.WrongPassword);
        var proven = await client.ApiSignInAsync(account.Username, TestAccounts.Password);

        // Assert: a guess learns nothing about the account's state...
        Assert.Equal(HttpStatusCode.Unauthorized, guessed.StatusCode);
        var guessedProblem = await TestBrowser.JsonAsync(guessed);
        Assert.Equal(ReasonCodes.InvalidCredentials, guessedProblem.GetProperty("code").GetString());
        Assert.Equal(ReasonCodes.InvalidCredentials, (await app.EventAsync(guessedProblem.GetProperty("traceId").GetString()!)).ReasonCode);

        // ...the right password is told the exact reason, and no session starts.
        Assert.Equal(HttpStatusCode.Forbidden, proven.StatusCode);
        Assert.False(proven.Headers.Contains("Set-Cookie"));
        var provenProblem = await TestBrowser.JsonAsync(proven);
        Assert.Equal(exactReason, provenProblem.GetProperty("code").GetString());
        var recorded = await app.EventAsync(provenProblem.GetProperty("traceId").GetString()!);
        Assert.Equal(exactReason, recorded.ReasonCode);
        Assert.Equal(exactReason, recorded.ShownReasonCode);
        Assert.False(await app.WithDbAsync(db => db.Sessions.AnyAsync(s => s.AccountId == account.Id)));
    }

    [Fact]
    public async Task OpenApi_Document_ServedAndListsSignIn()
    {
        using var client = app.CreateBrowser();

        var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await TestBrowser.JsonAsync(response);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/v1/sign-in").TryGetProperty("post", out var signIn));
        Assert.True(signIn.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(paths.TryGetProperty("/api/v1/events/{traceId}", out _));
    }
}

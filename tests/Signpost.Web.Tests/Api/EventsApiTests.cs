using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Lockout;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Api;

/// <summary><c>GET /api/v1/events/{traceId}</c>: the exact reason behind a trace ID, for support only.</summary>
public sealed class EventsApiTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task GetEvent_ByRole_AnonymousRefusedUserForbiddenSupportSeesExactReason()
    {
        // Arrange: a locked account tried with its right password — the user saw "not recognised".
        var slug = TestAccounts.Unique("northside");
        await app.CreateOrganizationAsync(slug, "Northside Clinic");
        var locked = await app.CreateAccountAsync(TestAccounts.Unique("quinn"), slug);
        await app.WithServicesAsync(async services =>
        {
            await services.GetRequiredService<ILockoutStore>().LockAsync(locked.Id, LockoutCounter.UntrustedKey, 10, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
            return 0;
        });
        using var victim = app.CreateBrowser();
        var attempt = await victim.ApiSignInAsync(locked.Username, TestAccounts.Password);
        var attemptProblem = await TestBrowser.JsonAsync(attempt);
        var traceId = attemptProblem.GetProperty("traceId").GetString()!;
        Assert.Equal(ReasonCodes.InvalidCredentials, attemptProblem.GetProperty("code").GetString());

        var user = await app.CreateAccountAsync(TestAccounts.Unique("rae"), slug);
        var agent = await app.CreateAccountAsync(TestAccounts.Unique("sam"), null, platformRoles: PlatformRoles.SupportAgent);
        using var anonymous = app.CreateBrowser();
        using var plainUser = app.CreateBrowser();
        using var support = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await plainUser.ApiSignInAsync(user.Username, TestAccounts.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await support.ApiSignInAsync(agent.Username, TestAccounts.Password)).StatusCode);
        var path = $"/api/v1/events/{traceId}";

        // Act
        var anonymousResponse = await anonymous.GetAsync(path);
        var userResponse = await plainUser.GetAsync(path);
        var supportResponse = await support.GetAsync(path);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousResponse.StatusCode);
        Assert.Equal("unauthorized", (await TestBrowser.JsonAsync(anonymousResponse)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, userResponse.StatusCode);
        Assert.Equal("forbidden", (await TestBrowser.JsonAsync(userResponse)).GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.OK, supportResponse.StatusCode);
        var view = await TestBrowser.JsonAsync(supportResponse);
        Assert.Equal(traceId, view.GetProperty("event").GetProperty("traceId").GetString());
        Assert.Equal(ReasonCodes.AccountLocked, view.GetProperty("event").GetProperty("reasonCode").GetString());
        Assert.Equal(ReasonCodes.InvalidCredentials, view.GetProperty("event").GetProperty("shownReasonCode").GetString());
        Assert.Equal(ReasonCodes.AccountLocked, view.GetProperty("reason").GetProperty("code").GetString());
        Assert.Equal($"{SignpostFactory.PublicBaseUrl}/help/codes/{ReasonCodes.AccountLocked}", view.GetProperty("reason").GetProperty("helpUrl").GetString());
        Assert.Contains("password was correct", view.GetProperty("event").GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-trace-id", HttpStatusCode.BadRequest, "invalid_trace_id")]
    [InlineData("0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound, "not_found")]
    public async Task GetEvent_BadOrUnknownTraceId_ReturnsProblem(string traceId, HttpStatusCode status, string code)
    {
        var agent = await app.CreateAccountAsync(TestAccounts.Unique("tess"), null, platformRoles: PlatformRoles.PlatformAdmin);
        using var support = app.CreateBrowser();
        await support.ApiSignInAsync(agent.Username, TestAccounts.Password);

        var response = await support.GetAsync($"/api/v1/events/{traceId}");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await TestBrowser.JsonAsync(response)).GetProperty("code").GetString());
    }
}

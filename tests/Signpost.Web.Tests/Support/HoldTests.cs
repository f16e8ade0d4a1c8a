using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Reasons;
using Signpost.Core.Troubleshooting;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Recovery;

namespace Signpost.Web.Tests.Support;

/// <summary>
/// Holds for review, played as the help desk would: support holds a person with a reason, the person is
/// refused with the catalogue's answer and their sessions end, the diagnosis cites who held them and why,
/// a reset still works, and a release lets them back in. Practice administrators cannot hold anyone.
/// </summary>
public sealed class HoldTests(RecoveryApp app) : IClassFixture<RecoveryApp>
{
    private const string Reason = "Sign-ins from two countries within an hour; verifying by phone.";

    private async Task<(Account Account, TestBrowser Support, Account Agent)> ArrangeAsync(string prefix, PlatformRoles agentRoles = PlatformRoles.SupportAgent)
    {
        var slug = TestAccounts.Unique(prefix);
        await app.CreateOrganizationAsync(slug, $"Practice {prefix}");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("held"), slug);
        var agent = await app.CreateAccountAsync(TestAccounts.Unique("agent"), null, platformRoles: agentRoles);
        var support = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await support.SignInAsync(agent.Username, TestAccounts.Password)).StatusCode);
        return (account, support, agent);
    }

    [Fact]
    public async Task Story_SupportHoldsThroughApi_SessionsEndSignInRefusedDiagnosisCitesWhoAndWhy()
    {
        // Arrange: the person is signed in somewhere.
        var (account, support, agent) = await ArrangeAsync("holdapi");
        using var _ = support;
        using var person = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await person.ApiSignInAsync(account.Username, TestAccounts.Password)).StatusCode);

        // Act: support holds; the person tries again with the right password.
        var held = await support.Http.PostAsJsonAsync($"/api/v1/accounts/{account.Id}/hold", new { reason = Reason });
        using var again = app.CreateBrowser();
        var refused = await again.ApiSignInAsync(account.Username, TestAccounts.Password);
        var problem = await TestBrowser.JsonAsync(refused);
        var traceId = problem.GetProperty("traceId").GetString()!;
        var (status, view) = await GetJsonAsync(support, $"/api/v1/diagnoses/{traceId}");

        // Assert: the act, the audit, the sessions, the person's answer, the diagnosis.
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        var body = await TestBrowser.JsonAsync(held);
        Assert.True(body.GetProperty("held").GetBoolean());
        Assert.Equal(1, body.GetProperty("sessionsEnded").GetInt32());
        Assert.True(await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.Flagged).SingleAsync()));
        var audit = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == AccountHold.HoldAction && e.TargetId == account.Id.ToString()));
        Assert.Equal(agent.Id, audit.ActorAccountId);
        Assert.Contains(Reason, audit.After, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Sessions.CountAsync(s => s.AccountId == account.Id && s.RevokedAt == null)));
        Assert.Equal(ReasonCodes.AccountFlagged, problem.GetProperty("code").GetString());
        Assert.Equal(ReasonCodes.AccountFlagged, (await app.EventAsync(traceId)).ReasonCode);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ReasonCodes.AccountFlagged, view.GetProperty("rootCause").GetProperty("code").GetString());
        Assert.Equal(DiagnosisEscalation.FlaggedAlways, view.GetProperty("escalation").GetProperty("ruleId").GetString());
        var step3 = view.GetProperty("steps")[2].GetProperty("evidence").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(step3, e => e.Contains(Reason, StringComparison.Ordinal) && e.Contains(agent.Username, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Story_HeldAccountWrongPassword_LooksLikeAnyWrongPassword()
    {
        // Arrange
        var (account, support, _) = await ArrangeAsync("holdwrong");
        using var __ = support;
        Assert.Equal(HttpStatusCode.OK, (await support.Http.PostAsJsonAsync($"/api/v1/accounts/{account.Id}/hold", new { reason = Reason })).StatusCode);
        using var stranger = app.CreateBrowser();

        // Act
        var response = await stranger.ApiSignInAsync(account.Username, "not the password at all, clearly");

        // Assert: the hold is told only after the password is proven.
        Assert.Equal(ReasonCodes.InvalidCredentials, (await TestBrowser.JsonAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Story_HeldAccountResetsThenReleased_ResetWorksSignInOnlyAfterRelease()
    {
        // Arrange
        var (account, support, _) = await ArrangeAsync("holdreset");
        using var __ = support;
        Assert.Equal(HttpStatusCode.OK, (await support.Http.PostAsJsonAsync($"/api/v1/accounts/{account.Id}/hold", new { reason = Reason })).StatusCode);
        using var browser = app.CreateBrowser();

        // Act 1: forgot password while held.
        await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", account.Email);
        var mail = Assert.Single(await app.MailForAsync(account.Email));
        var link = RecoveryApp.LinkIn(mail, "/reset-password");
        var (_, page) = await browser.GetPageAsync(link);
        var done = await browser.SubmitAsync(HtmlForm.From(page, link), [new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)]);
        using var first = app.CreateBrowser();
        var whileHeld = await first.ApiSignInAsync(account.Username, TestAccounts.NewPassword);

        // Act 2: support releases.
        var released = await support.Http.PostAsJsonAsync($"/api/v1/accounts/{account.Id}/release", new { reason = "Verified by phone." });
        using var second = app.CreateBrowser();
        var afterRelease = await second.ApiSignInAsync(account.Username, TestAccounts.NewPassword);

        // Assert
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(ReasonCodes.AccountFlagged, (await TestBrowser.JsonAsync(whileHeld)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterRelease.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AccountHold.ReleaseAction && e.TargetId == account.Id.ToString())));
    }

    [Fact]
    public async Task Console_SupportHoldsWithTheForm_PageSaysHeldAndShowsTheReason()
    {
        // Arrange
        var (account, support, _) = await ArrangeAsync("holdpage");
        using var __ = support;
        var form = await support.OpenFormAsync($"/support/accounts/{account.Id}", "form[data-testid=hold-form]");

        // Act
        var response = await support.SubmitAsync(form, [new("HoldReason", Reason)]);
        var (_, page) = await support.GetPageAsync(response.Headers.Location!.OriginalString);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("flagged for review", page.QuerySelector("[data-testid=status]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("[data-testid=done]"));
        Assert.Contains(Reason, page.Body!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("button[data-testid=release]"));
    }

    [Fact]
    public async Task Console_HoldWithoutReason_RefusedAndNotHeld()
    {
        // Arrange
        var (account, support, _) = await ArrangeAsync("holdempty");
        using var __ = support;
        var form = await support.OpenFormAsync($"/support/accounts/{account.Id}", "form[data-testid=hold-form]");

        // Act
        var response = await support.SubmitAsync(form, [new("HoldReason", "   ")]);
        var page = await TestBrowser.ParseAsync(response);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(page.QuerySelector("[data-testid=refused]"));
        Assert.False(await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.Flagged).SingleAsync()));
    }

    [Theory]
    [InlineData("application/json", "{}", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"reason\": 12}", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"reason\": \"a\", \"reason\": \"b\"}", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "[[[[[[[[[[[[[[[[[[[[", HttpStatusCode.BadRequest)]
    [InlineData("text/plain", "because", HttpStatusCode.UnsupportedMediaType)]
    public async Task Api_BadBody_ProblemNot500AndNotHeld(string contentType, string body, HttpStatusCode expected)
    {
        // Arrange
        var (account, support, _) = await ArrangeAsync("holdbad");
        using var __ = support;

        // Act
        var response = await support.Http.PostAsync($"/api/v1/accounts/{account.Id}/hold", new StringContent(body, Encoding.UTF8, contentType));

        // Assert
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.Flagged).SingleAsync()));
    }

    [Fact]
    public async Task Api_ReasonTooLong_Refused()
    {
        var (account, support, _) = await ArrangeAsync("holdlong");
        using var __ = support;

        var response = await support.Http.PostAsJsonAsync($"/api/v1/accounts/{account.Id}/hold", new { reason = new string('x', AccountHold.MaxReasonLength + 1) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await TestBrowser.JsonAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Api_HoldTwice_SecondIsConflict()
    {
        var (account, support, _) = await ArrangeAsync("holdtwice");
        using var __ = support;

        var first = await support.Http.PostAsJsonAsync($"/api/v1/accounts/{account.Id}/hold", new { reason = Reason });
        var second = await support.Http.PostAsJsonAsync($"/api/v1/accounts/{account.Id}/hold", new { reason = Reason });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == AccountHold.HoldAction && e.TargetId == account.Id.ToString())));
    }

    [Fact]
    public async Task Api_PracticeAdmin_CannotHoldAMember()
    {
        // Arrange: a practice admin of the member's own practice.
        var slug = TestAccounts.Unique("holdadmin");
        await app.CreateOrganizationAsync(slug, "Admin Practice");
        var member = await app.CreateAccountAsync(TestAccounts.Unique("member"), slug);
        var admin = await app.CreateAccountAsync(TestAccounts.Unique("padmin"), slug);
        await app.WithDbAsync(db => db.Memberships.Where(m => m.AccountId == admin.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Roles, PracticeRoles.PracticeAdmin)));
        using var browser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiSignInAsync(admin.Username, TestAccounts.Password)).StatusCode);

        // Act
        var response = await browser.Http.PostAsJsonAsync($"/api/v1/accounts/{member.Id}/hold", new { reason = Reason });

        // Assert
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{response.StatusCode}");
        Assert.False(await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == member.Id).Select(a => a.Flagged).SingleAsync()));
    }

    private static async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> GetJsonAsync(TestBrowser browser, string path)
    {
        var response = await browser.GetAsync(path);
        return (response.StatusCode, await TestBrowser.JsonAsync(response));
    }
}

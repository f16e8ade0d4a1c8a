using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Infrastructure;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Recovery;

/// <summary>
/// Reset links that match no token (mangled by an email client, truncated) are attributed to the account the
/// browser asked a link for, through a short-lived recovery cookie that carries nothing readable, so that
/// three of them in 15 minutes escalate like any other failed reset steps. Another browser's bad links stay
/// unattributed, and the cookie looks the same whether or not an account matched.
/// </summary>
public sealed class RecoveryAttributionTests(RecoveryApp app) : IClassFixture<RecoveryApp>
{
    [Fact]
    public async Task Story_EmailClientMangledTheLinkThreeTimes_FailuresCountForTheAccountAndEscalate()
    {
        // Arrange: a person asks for a reset link; their email client breaks every link it shows.
        var slug = TestAccounts.Unique("mangle");
        await app.CreateOrganizationAsync(slug, "Mangled Links Clinic");
        var rosa = await app.CreateAccountAsync(TestAccounts.Unique("rosa"), slug);
        var agent = await app.CreateAccountAsync(TestAccounts.Unique("agent"), null, platformRoles: PlatformRoles.SupportAgent);
        using var support = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await support.SignInAsync(agent.Username, TestAccounts.Password)).StatusCode);
        using var browser = app.CreateBrowser();
        await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", rosa.Email);
        var link = RecoveryApp.LinkIn(Assert.Single(await app.MailForAsync(rosa.Email)), "/reset-password");

        // Act: three truncated or mangled versions of the link, from the browser that asked.
        var traces = new List<string>();
        foreach (var broken in new[] { link[..^6], link[..^12] + "%3D%3D", link.Replace("token=", "token=3D", StringComparison.Ordinal) })
        {
            var (_, page) = await browser.GetPageAsync(broken);
            traces.Add(PageFailure.Read(page).TraceId);
        }

        var (status, view) = await GetJsonAsync(support, $"/api/v1/diagnoses/{traces[^1]}");

        // Assert: every failure is Rosa's; the diagnosis escalates the reset-failures rule.
        foreach (var trace in traces)
        {
            var recorded = await app.EventAsync(trace);
            Assert.Equal(SignInMethod.PasswordReset, recorded.Method);
            Assert.Equal(ReasonCodes.ResetLinkInvalid, recorded.ReasonCode);
            Assert.Equal(rosa.Id, recorded.AccountId);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ReasonCodes.ResetLinkInvalid, view.GetProperty("rootCause").GetProperty("code").GetString());
        Assert.Equal(InvalidCredentialsRules.ResetFailuresId, view.GetProperty("escalation").GetProperty("ruleId").GetString());
    }

    [Fact]
    public async Task BadLink_FromABrowserThatAskedNothing_NamesNobody()
    {
        // Arrange
        var slug = TestAccounts.Unique("nocookie");
        await app.CreateOrganizationAsync(slug, "No Cookie Clinic");
        var sam = await app.CreateAccountAsync(TestAccounts.Unique("sam"), slug);
        using var asker = app.CreateBrowser();
        await ForgotPasswordTests.RequestAsync(asker, "/forgot-password", sam.Email);
        var link = RecoveryApp.LinkIn(Assert.Single(await app.MailForAsync(sam.Email)), "/reset-password");
        using var other = app.CreateBrowser();

        // Act
        var (_, page) = await other.GetPageAsync(link[..^6]);

        // Assert
        Assert.Null((await app.EventAsync(PageFailure.Read(page).TraceId)).AccountId);
    }

    [Fact]
    public async Task RecoveryCookie_KnownAndUnknownIdentifier_SameShapeAndNothingReadable()
    {
        // Arrange
        var slug = TestAccounts.Unique("shape");
        await app.CreateOrganizationAsync(slug, "Shape Clinic");
        var kim = await app.CreateAccountAsync(TestAccounts.Unique("kim"), slug);
        using var known = app.CreateBrowser();
        using var unknown = app.CreateBrowser();

        // Act
        await ForgotPasswordTests.RequestAsync(known, "/forgot-password", kim.Email);
        await ForgotPasswordTests.RequestAsync(unknown, "/forgot-password", $"{TestAccounts.Unique("nobody")}@nowhere.example");

        // Assert: both get one, of the same length, and neither spells an account ID.
        var a = known.Cookie(RecoveryCookie.Name);
        var b = unknown.Cookie(RecoveryCookie.Name);
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Equal(a.Length, b.Length);
        Assert.DoesNotContain(kim.Id.ToString("N"), a, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(kim.Id.ToString(), a, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PerAddressLimit_ThreeCompletedResetsBehindOneAddress_StillAcceptsRequests()
    {
        // Arrange: one clinic's address; three people reset their passwords in turn.
        var slug = TestAccounts.Unique("oneaddr");
        await app.CreateOrganizationAsync(slug, "One Address Clinic");
        var people = new List<Account>();
        for (var i = 0; i < 4; i++)
        {
            people.Add(await app.CreateAccountAsync(TestAccounts.Unique($"p{i}"), slug));
        }

        // Act: each of the first three requests a link, opens it, mistypes the confirmation twice, then completes.
        foreach (var person in people.Take(3))
        {
            using var browser = app.CreateBrowser();
            browser.Http.DefaultRequestHeaders.Add(RecoveryApp.ClientIpHeader, "198.51.100.77");
            await ForgotPasswordTests.RequestAsync(browser, "/forgot-password", person.Email);
            var link = RecoveryApp.LinkIn(Assert.Single(await app.MailForAsync(person.Email)), "/reset-password");
            for (var typo = 0; typo < 2; typo++)
            {
                var (_, page) = await browser.GetPageAsync(link);
                await browser.SubmitAsync(HtmlForm.From(page, link), [new("newPassword", TestAccounts.NewPassword), new("confirm", "not the same at all, sorry")]);
            }

            var (_, again) = await browser.GetPageAsync(link);
            Assert.Equal(HttpStatusCode.OK, (await browser.SubmitAsync(HtmlForm.From(again, link), [new("newPassword", TestAccounts.NewPassword), new("confirm", TestAccounts.NewPassword)])).StatusCode);
        }

        using var fourth = app.CreateBrowser();
        fourth.Http.DefaultRequestHeaders.Add(RecoveryApp.ClientIpHeader, "198.51.100.77");
        await ForgotPasswordTests.RequestAsync(fourth, "/forgot-password", people[3].Email);

        // Assert: the fourth person got a link; link steps did not count as requests (limit 10).
        Assert.Single(await app.MailForAsync(people[3].Email));
        var fromAddress = await app.WithDbAsync(db => db.SignInEvents.Where(e => e.ClientIp == "198.51.100.77").Select(e => e.ReasonCode).ToListAsync());
        Assert.DoesNotContain(ReasonCodes.RateLimited, fromAddress);
        Assert.True(fromAddress.Count > 10, $"Only {fromAddress.Count} recovery events from the address: the story did not exceed the old limit.");
    }

    private static async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> GetJsonAsync(TestBrowser browser, string path)
    {
        var response = await browser.GetAsync(path);
        return (response.StatusCode, await TestBrowser.JsonAsync(response));
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Reasons;
using Signpost.Web.Platform;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Recovery;

namespace Signpost.Web.Tests.Support;

/// <summary>The help desk's console: one search box, the account's timeline, and audited acts.</summary>
public sealed class SupportConsoleTests(RecoveryApp app) : IClassFixture<RecoveryApp>
{
    [Fact]
    public async Task Search_ByTraceId_OpensTheAttempt_WithExactAndShownReason()
    {
        var member = await app.MemberAsync("trace");
        await app.LockAsync(member.Id, TimeSpan.FromMinutes(15));
        using var user = app.CreateBrowser();
        var failed = await TestBrowser.ParseAsync(await user.SignInAsync(member.Username, TestAccounts.Password));
        var traceId = failed.QuerySelector("[data-testid=trace-id]")!.TextContent;
        using var support = await SupportAsync();

        var found = await support.GetAsync($"/support?q={traceId.ToUpperInvariant()}");
        var (_, page) = await support.GetPageAsync(found.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Redirect, found.StatusCode);
        Assert.Equal($"/support/attempts/{traceId}", found.Headers.Location!.OriginalString);
        Assert.Contains(ReasonCodes.AccountLocked, page.QuerySelector("[data-testid=exact-reason]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(ReasonCodes.InvalidCredentials, page.QuerySelector("[data-testid=shown-reason]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/support/accounts/{member.Id}", page.QuerySelector("[data-testid=account-link]")!.GetAttribute("href"));
        Assert.Equal(ReasonCodes.AccountLocked, page.QuerySelector("[data-testid=diagnosis]")!.GetAttribute("data-root-cause"));
        Assert.Equal(8, page.QuerySelectorAll("[data-testid=steps] tbody tr").Length);
        Assert.Equal("Problem", page.QuerySelector("[data-testid=steps] tr[data-step='3']")!.GetAttribute("data-status"));
    }

    [Fact]
    public async Task Search_ExactIdentifier_OpensTheAccount_PartialListsPeople_TinOpensThePractice()
    {
        var member = await app.MemberAsync("findme");
        var slug = TestAccounts.Unique("tin");
        var tin = Random.Shared.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await app.WithServicesAsync(s => s.GetRequiredService<PlatformProvisioning>().CreateOrganizationAsync(slug, "Taxing Clinic", tin, null, CancellationToken.None).Done());
        using var support = await SupportAsync();

        var byEmail = await support.GetAsync($"/support?q={Uri.EscapeDataString(member.Email.ToUpperInvariant())}");
        var (_, partial) = await support.GetPageAsync($"/support?q={member.Username[..8]}");
        var byTin = await support.GetAsync($"/support?q={tin}");
        var (_, nothing) = await support.GetPageAsync("/support?q=%25_%25");

        Assert.Equal($"/support/accounts/{member.Id}", byEmail.Headers.Location!.OriginalString);
        Assert.Contains(member.Username, partial.QuerySelector("[data-testid=account-results]")!.TextContent, StringComparison.Ordinal);
        // The practices beside each person come from a second query (not a join with every membership): still shown.
        var practice = await app.WithDbAsync(db => db.Memberships.AsNoTracking().Where(m => m.AccountId == member.Id).Select(m => m.Organization!.Name).SingleAsync());
        var row = partial.QuerySelectorAll("[data-testid=account-results] tr").Single(r => r.TextContent.Contains(member.Username, StringComparison.Ordinal));
        Assert.Contains(practice, row.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/support/practices/{slug}", byTin.Headers.Location!.OriginalString);
        Assert.NotNull(nothing.QuerySelector("[data-testid=no-results]"));
    }

    [Fact]
    public async Task Search_MatchesTheMiddleOfANameThroughTheIndex_ShortTextIsExactOnly_HostileTextIsText()
    {
        var member = await app.MemberAsync("middlesearch");
        await app.WithDbAsync(async db =>
        {
            var account = await db.Accounts.SingleAsync(a => a.Id == member.Id);
            account.DisplayName = "Quincy \"Q\" Marbleworth";
            await db.SaveChangesAsync();
            return 0;
        });
        using var support = await SupportAsync();

        var (_, byName) = await support.GetPageAsync("/support?q=" + Uri.EscapeDataString("rbleWORT"));
        var (_, quoted) = await support.GetPageAsync("/support?q=" + Uri.EscapeDataString("\"q\" marble"));
        var (_, tooShort) = await support.GetPageAsync("/support?q=rb");

        Assert.Contains(member.Username, byName.QuerySelector("[data-testid=account-results]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(member.Username, quoted.QuerySelector("[data-testid=account-results]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(tooShort.QuerySelector("[data-testid=too-short]"));
        Assert.Null(tooShort.QuerySelector("[data-testid=account-results]"));
        foreach (var hostile in new[] { "\"", "NEAR(a b)", "rble*", "DisplayName:rble", "%00%00rble", "' OR 1=1 --", "\\%_" })
        {
            var response = await support.GetAsync("/support?q=" + (hostile.StartsWith('%') ? hostile : Uri.EscapeDataString(hostile)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Unlock_FromTheAccountPage_ClearsLocks_AndIsAudited_AndShowsInTheTimeline()
    {
        var member = await app.MemberAsync("desk");
        await app.LockAsync(member.Id, TimeSpan.FromMinutes(15));
        using var support = await SupportAsync();
        var form = await support.OpenFormAsync($"/support/accounts/{member.Id}", "form[action*='handler=Unlock']");

        var response = await support.SubmitAsync(form);
        var (_, page) = await support.GetPageAsync(response.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Empty(await app.LocksAsync(member.Id));
        var entry = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "account.unlock" && a.TargetId == member.Id.ToString()));
        Assert.StartsWith("account:", entry.Actor, StringComparison.Ordinal);
        Assert.NotNull(entry.TraceId);
        Assert.NotNull(page.QuerySelector("[data-testid=done]"));
        Assert.Contains("account.unlock", page.QuerySelector("[data-testid=timeline]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendLink_EmailsTheAccountsOwnAddress_AndIsAudited()
    {
        var member = await app.MemberAsync("mailme");
        using var support = await SupportAsync();
        var form = await support.OpenFormAsync($"/support/accounts/{member.Id}", "form[action*='handler=SendLink']");

        var response = await support.SubmitAsync(form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var mail = Assert.Single(await app.MailForAsync(member.Email));
        Assert.Equal("Reset your Signpost password", mail.Subject);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "account.send_reset" && a.TargetId == member.Id.ToString())));
    }

    [Fact]
    public async Task Console_IsForSupportOnly_PracticeStaffAreRefused_GarbageIdsAre404()
    {
        var member = await app.MemberAsync("staffer");
        using var staff = app.CreateBrowser();
        await staff.SignInAsync(member.Username, TestAccounts.Password);
        using var support = await SupportAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/support")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/support/accounts/{member.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await support.GetAsync("/support/accounts/not-a-guid")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await support.GetAsync($"/support/accounts/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await support.GetAsync("/support/attempts/zzzz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await support.GetAsync($"/support?q={new string('x', 5000)}")).StatusCode);
    }

    private async Task<TestBrowser> SupportAsync()
    {
        var agent = await app.CreateAccountAsync(TestAccounts.Unique("agent"), null, platformRoles: PlatformRoles.SupportAgent);
        var browser = app.CreateBrowser();
        var signedIn = await browser.SignInAsync(agent.Username, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }
}

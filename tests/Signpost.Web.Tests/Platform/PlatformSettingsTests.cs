using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Web.Infrastructure;
using Signpost.Web.Tests.Infrastructure;
using static Signpost.Web.Tests.Platform.PlatformPeople;

namespace Signpost.Web.Tests.Platform;

/// <summary>
/// The platform settings pages through a browser-like client: policy values validated with the field named
/// and nothing stored, a policy change applied by the same running server, organization details and
/// networks edited with each act audited, and every non-operator refused with an audited 404.
/// </summary>
public sealed class PlatformSettingsTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    private const string PolicyForm = "form[data-testid=policy-form]";

    private static string OrgPath(string slug) => $"/platform/organizations/{slug}";

    [Theory]
    [InlineData("Policy.LockoutThreshold", "abc", "LockoutThreshold", "whole number")]
    [InlineData("Policy.LockoutThreshold", "101", "LockoutThreshold", "between 1 and 100")]
    [InlineData("Policy.LockoutThreshold", "1e3", "LockoutThreshold", "whole number")]
    [InlineData("Policy.LockoutWindowMinutes", "", "LockoutWindowMinutes", "whole number")]
    [InlineData("Policy.LockoutDurationMinutes", "0", "LockoutDurationMinutes", "between 1 minute and 24 hours")]
    [InlineData("Policy.PasswordExpiryDays", "-5", "PasswordExpiryDays", "off or between 1 and 3650")]
    [InlineData("Policy.PasswordHistoryCount", "25", "PasswordHistoryCount", "between 0 (off) and 24")]
    [InlineData("Policy.SessionIdleMinutes", "15.5", "SessionIdleMinutes", "whole number")]
    [InlineData("Policy.SessionAbsoluteHours", "99999999999", "SessionAbsoluteHours", "whole number")]
    [InlineData("Policy.BrowserPolicy", "1", "BrowserPolicy", "warn or block")]
    [InlineData("Policy.SecondFactor", "sometimes", "SecondFactor", "off, optional, admins or everyone")]
    [InlineData("Policy.SecondFactorGraceDays", "91", "SecondFactorGraceDays", "between 0 and 90 days")]
    [InlineData("Policy.RememberBrowserDays", "a week", "RememberBrowserDays", "whole number")]
    public async Task PolicyForm_MalformedValue_NamesTheFieldAndStoresNothing(string input, string value, string field, string message)
    {
        // Arrange
        var slug = TestAccounts.Unique("policy");
        var organization = await app.CreateOrganizationAsync(slug, "Policy Clinic");
        var (_, browser) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;
        var auditBefore = await PolicyEntriesAsync(organization.Id);

        // Act
        var response = await PostAsync(browser, OrgPath(slug), PolicyForm, ("Policy.BrowserPolicy", "warn"), ("Policy.LockoutThreshold", "5"), (input, value));

        // Assert: the page again (no 500, no redirect), the field marked, the message naming it, nothing stored.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await TestBrowser.ParseAsync(response);
        var problem = Assert.Single(document.QuerySelectorAll("[data-testid=problems] li"));
        Assert.Equal(field, problem.GetAttribute("data-field"));
        Assert.Contains(message, problem.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", document.GetElementById("policy-" + field)!.GetAttribute("aria-invalid"));
        Assert.Contains("policy-" + field + "-error", document.GetElementById("policy-" + field)!.GetAttribute("aria-describedby"), StringComparison.Ordinal);
        var stored = await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Id == organization.Id));
        Assert.Equal(10, stored.Policy.LockoutThreshold);
        Assert.Equal(auditBefore, await PolicyEntriesAsync(organization.Id));
    }

    [Fact]
    public async Task PolicyForm_LockoutThresholdLowered_SameRunningServerLocksAtTheNewThreshold()
    {
        // Arrange: two staff members of a practice with the default threshold (10).
        var slug = TestAccounts.Unique("lockout");
        await app.CreateOrganizationAsync(slug, "Lockout Clinic");
        var before = await app.CreateAccountAsync(TestAccounts.Unique("before"), slug);
        var after = await app.CreateAccountAsync(TestAccounts.Unique("after"), slug);
        var (_, operatorBrowser) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _o = operatorBrowser;
        using var attacker = app.CreateBrowser();
        for (var i = 0; i < 3; i++)
        {
            await attacker.ApiSignInAsync(before.Username, TestAccounts.WrongPassword);
        }

        // Act: the operator lowers the threshold to 3 on the page; then three failures for the other account.
        var saved = await PostAsync(operatorBrowser, OrgPath(slug), PolicyForm, ("Policy.LockoutThreshold", "3"), ("Policy.BrowserPolicy", "warn"));
        for (var i = 0; i < 3; i++)
        {
            await attacker.ApiSignInAsync(after.Username, TestAccounts.WrongPassword);
        }

        // Assert: saved and audited; three failures did not lock under 10, and lock under 3 — no restart between.
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal($"/platform/organizations/{slug}?done=policy", saved.Headers.Location!.OriginalString);
        Assert.False(await LockedAsync(before.Id));
        Assert.True(await LockedAsync(after.Id));
        var entry = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == "organization.policy").OrderBy(e => e.Sequence).LastAsync());
        Assert.Contains("\"LockoutThreshold\":10", entry.Before, StringComparison.Ordinal);
        Assert.Contains("\"LockoutThreshold\":3", entry.After, StringComparison.Ordinal);
        Assert.NotNull(entry.ActorAccountId);
    }

    [Fact]
    public async Task PolicyForm_EveryField_IsShownAndSavedTogether()
    {
        // Arrange
        var slug = TestAccounts.Unique("every");
        var organization = await app.CreateOrganizationAsync(slug, "Every Field Clinic");
        var (_, browser) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;

        // Act
        var saved = await PostAsync(browser, OrgPath(slug), PolicyForm,
            ("Policy.LockoutThreshold", "7"), ("Policy.LockoutWindowMinutes", "20"), ("Policy.LockoutDurationMinutes", "30"),
            ("Policy.PasswordExpiryDays", "90"), ("Policy.PasswordHistoryCount", "5"), ("Policy.SessionIdleMinutes", "10"),
            ("Policy.SessionAbsoluteHours", "8"), ("Policy.BrowserPolicy", "block"), ("Policy.RestrictToAllowedNetworks", "true"));
        var (_, page) = await browser.GetPageAsync(saved.Headers.Location!.OriginalString);

        // Assert
        var p = (await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Id == organization.Id))).Policy;
        Assert.Equal((7, 20, 30, 90, 5, 10, 8, BrowserPolicy.Block, true),
            (p.LockoutThreshold, p.LockoutWindowMinutes, p.LockoutDurationMinutes, p.PasswordExpiryDays, p.PasswordHistoryCount, p.SessionIdleMinutes,
                p.SessionAbsoluteHours, p.BrowserPolicy, p.RestrictToAllowedNetworks));
        Assert.Equal("Policy saved; it applies from the next sign-in.", page.QuerySelector("[data-testid=done]")!.TextContent);
        Assert.Equal("7", page.GetElementById("policy-LockoutThreshold")!.GetAttribute("value"));
        Assert.Equal("90", page.GetElementById("policy-PasswordExpiryDays")!.GetAttribute("value"));
        Assert.NotNull(page.QuerySelector("#policy-BrowserPolicy option[value=block][selected]"));
        Assert.NotNull(page.QuerySelector("#policy-Restrict[checked]"));
    }

    [Fact]
    public async Task DetailsForm_BadNpiAndTin_NamesBothAndStoresNothing_ThenValidDetailsAreSavedAndAudited()
    {
        // Arrange
        var slug = TestAccounts.Unique("details");
        var organization = await app.CreateOrganizationAsync(slug, "Details Clinic");
        var (_, browser) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;
        const string Form = "form[data-testid=details-form]";

        // Act
        var bad = await PostAsync(browser, OrgPath(slug), Form, ("Details.TaxId", "12-345678"), ("Details.GroupNpis", "1234567893, 1234567890"));
        var good = await PostAsync(browser, OrgPath(slug), Form, ("Details.Name", "Details Clinic North"), ("Details.Address", "1 Main St, Springfield, IL 62701"),
            ("Details.TaxId", "123456789"), ("Details.GroupNpis", "1234567893"), ("Details.TimeZone", "America/Denver"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var document = await TestBrowser.ParseAsync(bad);
        Assert.Equal(["TaxId", "GroupNpis"], document.QuerySelectorAll("[data-testid=problems] li").Select(li => li.GetAttribute("data-field")));
        Assert.Contains("1234567890", document.QuerySelector("[data-field=GroupNpis]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("1234567893", document.QuerySelector("[data-field=GroupNpis]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", document.GetElementById("org-TaxId")!.GetAttribute("aria-invalid"));

        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        var stored = await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Id == organization.Id));
        Assert.Equal(("Details Clinic North", "1 Main St, Springfield, IL 62701", "123456789", "America/Denver"), (stored.Name, stored.Address, stored.TaxId, stored.TimeZone));
        Assert.Equal(["1234567893"], stored.GroupNpis);
        var entries = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.OrganizationId == organization.Id && e.Action == "organization.details").ToListAsync());
        var entry = Assert.Single(entries);
        Assert.Contains("\"Name\":\"Details Clinic\"", entry.Before, StringComparison.Ordinal);
        Assert.Contains("America/Denver", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Networks_AddThenRemove_ListsThemAndAuditsBoth()
    {
        // Arrange
        var slug = TestAccounts.Unique("net");
        var organization = await app.CreateOrganizationAsync(slug, "Network Clinic");
        var (_, browser) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;

        // Act
        var malformed = await PostAsync(browser, OrgPath(slug), "form[data-testid=network-form]", ("Cidr", "203.0.113.0/33"), ("Label", "VPN"));
        var added = await PostAsync(browser, OrgPath(slug), "form[data-testid=network-form]", ("Cidr", "203.0.113.0/24"), ("Label", "VPN egress"), ("Allowed", "false"));
        var (_, listed) = await browser.GetPageAsync(OrgPath(slug));
        var row = listed.QuerySelector("[data-testid=networks] tr[data-cidr='203.0.113.0/24']");
        var removed = await PostAsync(browser, OrgPath(slug), "[data-testid=networks] form");

        // Assert
        Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
        Assert.Equal("Cidr", (await TestBrowser.ParseAsync(malformed)).QuerySelector("[data-testid=problems] li")!.GetAttribute("data-field"));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.NotNull(row);
        Assert.Contains("VPN egress", row!.TextContent, StringComparison.Ordinal);
        Assert.Contains("no", row.Children[2].TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        var stored = await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Id == organization.Id));
        Assert.Empty(stored.NetworkRanges);
        var entries = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.OrganizationId == organization.Id && e.Action == "organization.network").OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal(2, entries.Count);
        Assert.Equal("[]", entries[1].After);
    }

    [Fact]
    public async Task PlatformIndex_CreateOrganization_ListsItWithCounts()
    {
        // Arrange
        var (_, browser) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;
        var slug = TestAccounts.Unique("created");

        // Act
        var invalid = await PostAsync(browser, "/platform", "main form[method=post]", ("Slug", "Not A Slug!"), ("Name", "X"));
        var created = await PostAsync(browser, "/platform", "main form[method=post]", ("Slug", slug), ("Name", "Created Clinic"), ("TaxId", ""), ("TimeZone", "America/Chicago"));
        await app.CreateAccountAsync(TestAccounts.Unique("member"), slug);
        var (_, list) = await browser.GetPageAsync("/platform");

        // Assert
        Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        Assert.Contains("is not a valid slug", (await TestBrowser.ParseAsync(invalid)).QuerySelector("[data-testid=problems]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var row = list.QuerySelector($"[data-testid=organizations] tr[data-slug='{slug}']")!;
        Assert.Equal(["Created Clinic", slug, "1", "0"], row.Children.Take(4).Select(c => c.TextContent.Trim()));
    }

    [Theory]
    [InlineData("/platform")]
    [InlineData("/platform/people")]
    [InlineData("/platform/organizations/{slug}")]
    public async Task PlatformPages_PracticeAdminOrSupportAgent_Get404AndTheRefusalIsAudited(string path)
    {
        // Arrange: a practice admin (of some practice) and a support agent: neither is a platform admin.
        var slug = TestAccounts.Unique("refuse");
        await app.CreateOrganizationAsync(slug, "Refusal Clinic");
        var (admin, adminBrowser) = await SignedInAsync(app, "padmin", slug, roles: PracticeRoles.PracticeAdmin);
        var (agent, agentBrowser) = await SignedInAsync(app, "agent", null, PlatformRoles.SupportAgent);
        using var _a = adminBrowser;
        using var _g = agentBrowser;
        var target = path.Replace("{slug}", slug, StringComparison.Ordinal);

        // Act
        var byAdmin = await adminBrowser.GetAsync(target);
        var byAgent = await agentBrowser.GetAsync(target);
        var postByAdmin = await adminBrowser.Http.PostAsync(new Uri(target, UriKind.Relative), new FormUrlEncodedContent([new("Slug", "x"), new("Name", "x")]));

        // Assert: the same 404 as a missing page; every attempt in the audit trail under its actor.
        Assert.Equal(HttpStatusCode.NotFound, byAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byAgent.StatusCode);
        Assert.Contains(postByAdmin.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.BadRequest });
        var refusals = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == AdminScope.RefusalAction && (e.ActorAccountId == admin.Id || e.ActorAccountId == agent.Id)).ToListAsync());
        Assert.Contains(refusals, e => e.ActorAccountId == admin.Id && e.TargetId == target && e.After!.Contains("platform.get", StringComparison.Ordinal));
        Assert.Contains(refusals, e => e.ActorAccountId == agent.Id && e.TargetId == target);
    }

    [Fact]
    public async Task PlatformPages_SignedOut_RedirectToSignIn()
    {
        // Arrange
        using var browser = app.CreateBrowser();

        // Act
        var response = await browser.GetAsync("/platform/people");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/sign-in", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyForm_StaleAntiforgeryToken_StoresNothing()
    {
        // Arrange: the form opened in one browser, posted from another session's cookies.
        var slug = TestAccounts.Unique("stale");
        var organization = await app.CreateOrganizationAsync(slug, "Stale Clinic");
        var (_, first) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        var (_, second) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _f = first;
        using var _s = second;
        var form = await first.OpenFormAsync(OrgPath(slug), PolicyForm);

        // Act
        var response = await second.SubmitAsync(form, [new("Policy.LockoutThreshold", "2"), new("Policy.BrowserPolicy", "warn")]);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var stored = await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Id == organization.Id));
        Assert.Equal(10, stored.Policy.LockoutThreshold);
    }

    private Task<int> PolicyEntriesAsync(Guid organizationId) =>
        app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.OrganizationId == organizationId && e.Action == "organization.policy"));

    private Task<bool> LockedAsync(Guid accountId) =>
        app.WithDbAsync(db => db.LockoutCounters.AsNoTracking().AnyAsync(c => c.AccountId == accountId && c.LockedUntil != null));
}

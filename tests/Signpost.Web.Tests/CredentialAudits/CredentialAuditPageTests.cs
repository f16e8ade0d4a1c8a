using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.CredentialAudits;
using Signpost.Web.Infrastructure;
using Signpost.Web.Setup;
using Signpost.Web.Tests.Infrastructure;
using static Signpost.Web.Tests.Platform.PlatformPeople;

namespace Signpost.Web.Tests.CredentialAudits;

/// <summary>
/// The credential audit in the console: a practice's admins and platform admins read it and download it as
/// CSV; anyone else — staff of the practice, the admin of another practice — gets an audited 404.
/// </summary>
public sealed class CredentialAuditPageTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    private static string PagePath(string slug) => $"/admin/{slug}/credential-audit";

    private async Task<(string Slug, Account Admin, TestBrowser AdminBrowser, Account Invitee)> PracticeAsync()
    {
        var slug = TestAccounts.Unique("audit");
        await app.CreateOrganizationAsync(slug, "Audit Family Medicine");
        var (admin, browser) = await SignedInAsync(app, "ada", slug, roles: PracticeRoles.PracticeAdmin | PracticeRoles.Staff);
        await app.CreateAccountAsync(TestAccounts.Unique("sam"), slug, displayName: "=HYPERLINK(\"http://evil.example\")");
        var invitee = await app.CreateAccountAsync(TestAccounts.Unique("ivy"), slug, password: null);
        return (slug, admin, browser, invitee);
    }

    [Fact]
    public async Task Page_PracticeAdmin_SeesEveryPersonAndTheFindings()
    {
        // Arrange
        var (slug, admin, browser, invitee) = await PracticeAsync();
        using var _b = browser;
        await app.WithServicesAsync(services => services.GetRequiredService<Core.Mfa.ISecondFactorStore>().AddPasskeyAsync(new Core.Mfa.Passkey
        {
            AccountId = admin.Id,
            Name = "YubiKey",
            CredentialId = Guid.NewGuid().ToByteArray(),
            PublicKey = [1, 2, 3],
            CreatedAt = DateTimeOffset.UtcNow,
        }, CancellationToken.None));

        // Act
        var (response, document) = await browser.GetPageAsync(PagePath(slug));

        // Assert: three people; the admin's own sign-in is recorded; MFA is a value (the admin's passkey), not a finding.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = document.QuerySelectorAll("[data-testid=audit-rows] tbody tr");
        Assert.Equal(3, rows.Length);
        var adminRow = document.QuerySelector($"tr[data-username='{admin.Username}']")!;
        Assert.Contains("PracticeAdmin, Staff", adminRow.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("never", adminRow.TextContent, StringComparison.Ordinal);
        Assert.Contains("1 passkey", adminRow.TextContent, StringComparison.Ordinal);
        Assert.Contains("none", document.QuerySelector($"tr[data-username='{invitee.Username}']")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("invited 0 days ago", document.QuerySelector($"tr[data-username='{invitee.Username}']")!.TextContent, StringComparison.Ordinal);
        // The three accounts were created today: changes to people in the period, nothing else to act on.
        Assert.Equal([CredentialAuditBuilder.RoleChanges], document.QuerySelectorAll("[data-testid=findings] li").Select(li => li.GetAttribute("data-code")));
        Assert.Equal(3, document.QuerySelectorAll("[data-testid=role-changes] tbody tr").Length);
        Assert.Equal($"/admin/{slug}/credential-audit?handler=csv&days=90", document.QuerySelector("[data-testid=csv]")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Csv_PracticeAdmin_GetsRfc4180RowsWithFormulasNeutralised()
    {
        // Arrange
        var (slug, _, browser, _) = await PracticeAsync();
        using var _b = browser;

        // Act
        var response = await browser.GetAsync(PagePath(slug) + "?handler=csv&days=30");
        var csv = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith($"credential-audit-{slug}-", response.Content.Headers.ContentDisposition!.FileName?.Trim('"'), StringComparison.Ordinal);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', CredentialAuditCsv.Header), lines[0].TrimStart('\uFEFF'));
        Assert.Equal(4, lines.Length);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil.example\"\")\",", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_AccentedName_StartsWithUtf8ByteOrderMarkAndRoundTrips()
    {
        // Arrange: Excel reads a CSV without a byte-order mark in the ANSI code page and garbles this name.
        var (slug, _, browser, _) = await PracticeAsync();
        using var _b = browser;
        var accented = await app.CreateAccountAsync(TestAccounts.Unique("zoe"), slug, displayName: "Zoë Núñez-Çelik");

        // Act
        var response = await browser.GetAsync(PagePath(slug) + "?handler=csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        // Assert: EF BB BF first, then UTF-8 in which the name reads back exactly.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 3, bytes.Length - 3);
        var row = text.Split("\r\n").Single(l => l.StartsWith(accented.Username + ",", StringComparison.Ordinal));
        Assert.Equal("Zoë Núñez-Çelik", row.Split(',')[1]);
        Assert.StartsWith(string.Join(',', CredentialAuditCsv.Header), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_PracticeWithNoActiveAdminAndRoleChanges_ShowsCriticalFindingFirst()
    {
        // Arrange: a practice of staff only, seen by a platform admin.
        var slug = TestAccounts.Unique("noadmin");
        await app.CreateOrganizationAsync(slug, "Adminless Clinic");
        await app.CreateAccountAsync(TestAccounts.Unique("sam"), slug);
        var (_, browser) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;

        // Act
        var (response, document) = await browser.GetPageAsync(PagePath(slug));

        // Assert: "account.create" is a change to people in the period.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var findings = document.QuerySelectorAll("[data-testid=findings] li").Select(li => li.GetAttribute("data-code")).ToList();
        Assert.Equal([CredentialAuditBuilder.NoActiveAdmin, CredentialAuditBuilder.RoleChanges], findings);
        Assert.Contains("Recommended:", document.QuerySelector("[data-testid=findings] li")!.TextContent, StringComparison.Ordinal);
        Assert.Single(document.QuerySelectorAll("[data-testid=role-changes] tbody tr"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?handler=csv")]
    public async Task Page_StaffOfThePracticeOrAdminOfAnother_Get404AndTheRefusalIsAudited(string query)
    {
        // Arrange
        var (slug, _, adminBrowser, _) = await PracticeAsync();
        adminBrowser.Dispose();
        var organization = await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Slug == slug));
        var (staff, staffBrowser) = await SignedInAsync(app, "staff", slug);
        var otherSlug = TestAccounts.Unique("other");
        await app.CreateOrganizationAsync(otherSlug, "Other Practice");
        var (otherAdmin, otherBrowser) = await SignedInAsync(app, "oadmin", otherSlug, roles: PracticeRoles.PracticeAdmin);
        using var _s = staffBrowser;
        using var _o = otherBrowser;

        // Act
        var byStaff = await staffBrowser.GetAsync(PagePath(slug) + query);
        var byOther = await otherBrowser.GetAsync(PagePath(slug) + query);
        var missing = await otherBrowser.GetAsync(PagePath("no-such-practice") + query);

        // Assert: all three alike, and each in the audit trail.
        Assert.Equal(HttpStatusCode.NotFound, byStaff.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byOther.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal((await byOther.Content.ReadAsStringAsync()).Length > 0, (await missing.Content.ReadAsStringAsync()).Length > 0);
        var refusals = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == AdminScope.RefusalAction && (e.ActorAccountId == staff.Id || e.ActorAccountId == otherAdmin.Id)).ToListAsync());
        Assert.Contains(refusals, e => e.ActorAccountId == staff.Id && e.OrganizationId == organization.Id);
        Assert.Contains(refusals, e => e.ActorAccountId == otherAdmin.Id && e.OrganizationId == organization.Id && e.After!.Contains("credential_audit", StringComparison.Ordinal));
        Assert.Contains(refusals, e => e.ActorAccountId == otherAdmin.Id && e.TargetId == "no-such-practice");
    }

    [Fact]
    public async Task Page_SignedOut_RedirectsToSignIn()
    {
        // Arrange
        using var browser = app.CreateBrowser();

        // Act
        var response = await browser.GetAsync(PagePath("anything"));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/sign-in", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_InactiveAndLockedPeople_AreFoundFromTheDatabase()
    {
        // Arrange: Sam's last sign-in was 120 days ago; Lee is locked now.
        var (slug, _, browser, _) = await PracticeAsync();
        using var _b = browser;
        var sam = await app.CreateAccountAsync(TestAccounts.Unique("old"), slug);
        var lee = await app.CreateAccountAsync(TestAccounts.Unique("lee"), slug);
        await app.WithDbAsync(async db =>
        {
            var account = await db.Accounts.SingleAsync(a => a.Id == sam.Id);
            account.CreatedAt = DateTimeOffset.UtcNow.AddDays(-200);
            return await db.SaveChangesAsync();
        });
        await app.WithServicesAsync(async services =>
        {
            await services.GetRequiredService<Core.Lockout.ILockoutStore>().LockAsync(lee.Id, Core.Lockout.LockoutCounter.UntrustedKey, 10, DateTimeOffset.UtcNow.AddMinutes(10), CancellationToken.None);
            return 0;
        });

        // Act
        var (_, document) = await browser.GetPageAsync(PagePath(slug));

        // Assert
        var inactive = document.QuerySelector($"[data-code={CredentialAuditBuilder.InactiveAccounts}]")!;
        Assert.Contains(sam.Username, inactive.TextContent, StringComparison.Ordinal);
        var locked = document.QuerySelector($"[data-code={CredentialAuditBuilder.LockedNow}]")!;
        Assert.Contains(lee.Username, locked.TextContent, StringComparison.Ordinal);
        Assert.Contains("locked now", document.QuerySelector($"tr[data-username='{lee.Username}']")!.TextContent, StringComparison.Ordinal);
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Web.Infrastructure;
using Signpost.Web.Platform;
using Signpost.Web.Tests.Infrastructure;
using static Signpost.Web.Tests.Platform.PlatformPeople;

namespace Signpost.Web.Tests.Platform;

/// <summary>Granting and revoking the platform roles on <c>/platform/people</c>; the platform never loses its last operator.</summary>
public sealed class PlatformRolesTests
{
    [Fact]
    public async Task People_GrantThenRevoke_ChangesRolesAndAuditsBoth_SelfAndLastAdminAreRefused()
    {
        // Arrange: a fresh server, so "the last active platform admin" is exactly the one signed in here.
        await using var app = new SignpostFactory();
        var (op, browser) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _b = browser;
        var colleague = await app.CreateAccountAsync(TestAccounts.Unique("colleague"), null, platformRoles: PlatformRoles.None);
        const string Grant = "form[data-testid=grant-form]";

        // Act 1: revoking my own PlatformAdmin role, an unknown person, then granting my colleague support.
        var self = await PostAsync(browser, "/platform/people", $"tr[data-username='{op.Username}'] form", ("Role", "PlatformAdmin"));
        var unknown = await PostAsync(browser, "/platform/people", Grant, ("Identifier", "nobody-here"), ("Role", "SupportAgent"));
        var badRole = await PostAsync(browser, "/platform/people", Grant, ("Identifier", colleague.Email), ("Role", "3"));
        var granted = await PostAsync(browser, "/platform/people", Grant, ("Identifier", colleague.Email), ("Role", "SupportAgent"));
        var (_, list) = await browser.GetPageAsync("/platform/people");

        // Assert 1
        Assert.Equal(HttpStatusCode.OK, self.StatusCode);
        Assert.Contains("You cannot remove your own PlatformAdmin role", await self.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Identifier", (await TestBrowser.ParseAsync(unknown)).QuerySelector("[data-testid=problems] li")!.GetAttribute("data-field"));
        Assert.Equal("Role", (await TestBrowser.ParseAsync(badRole)).QuerySelector("[data-testid=problems] li")!.GetAttribute("data-field"));
        Assert.Equal(HttpStatusCode.Redirect, granted.StatusCode);
        Assert.Contains("SupportAgent", list.QuerySelector($"tr[data-username='{colleague.Username}']")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(PlatformRoles.PlatformAdmin, await RolesAsync(app, op.Id));

        // Act 2: the colleague becomes a platform admin and removes mine; then they cannot remove their own (the last).
        await PostAsync(browser, "/platform/people", Grant, ("Identifier", colleague.Username), ("Role", "PlatformAdmin"));
        using var colleagueBrowser = app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await colleagueBrowser.SignInAsync(colleague.Username, TestAccounts.Password)).StatusCode);
        var revoked = await PostAsync(colleagueBrowser, "/platform/people", $"tr[data-username='{op.Username}'] form", ("Role", "PlatformAdmin"));
        var oldAdminNow = await browser.GetAsync("/platform/people");
        var last = await PostAsync(colleagueBrowser, "/platform/people", $"tr[data-username='{colleague.Username}'] form:last-of-type", ("Role", "PlatformAdmin"));

        // Assert 2: my role is gone at my very next request; the last admin keeps theirs.
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(PlatformRoles.None, await RolesAsync(app, op.Id));
        Assert.Equal(HttpStatusCode.NotFound, oldAdminNow.StatusCode);
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Contains("You cannot remove your own PlatformAdmin role", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((await RolesAsync(app, colleague.Id)).HasFlag(PlatformRoles.PlatformAdmin));
        var entries = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == "platform.grant" || e.Action == "platform.revoke").OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal(["platform.grant", "platform.grant", "platform.revoke"], entries.Select(e => e.Action));
        Assert.Equal(op.Id.ToString(), entries[2].TargetId);
        Assert.Equal(colleague.Id, entries[2].ActorAccountId);
    }

    [Fact]
    public async Task Revoke_LastActivePlatformAdminByAnotherOperator_IsRefused()
    {
        // Arrange: the command line (no signed-in account) tries to remove the only active platform admin.
        await using var app = new SignpostFactory();
        var only = await app.CreateAccountAsync(TestAccounts.Unique("only"), null, platformRoles: PlatformRoles.PlatformAdmin);

        // Act
        var refused = await app.WithServicesAsync(services =>
            AdminResults.RefusedAsync(services.GetRequiredService<PlatformAdministration>().RevokePlatformRoleAsync(only.Username, PlatformRoles.PlatformAdmin, CancellationToken.None)));

        // Assert
        Assert.Equal(AdminOutcome.Refused, refused.Outcome);
        Assert.Contains("last active platform admin", refused.Message, StringComparison.Ordinal);
        Assert.Equal(PlatformRoles.PlatformAdmin, await RolesAsync(app, only.Id));
    }

    private static Task<PlatformRoles> RolesAsync(SignpostFactory app, Guid id) =>
        app.WithDbAsync(db => db.Accounts.AsNoTracking().Where(a => a.Id == id).Select(a => a.PlatformRoles).SingleAsync());
}

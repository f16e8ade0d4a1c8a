using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Web.Admin;
using Signpost.Web.Infrastructure;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Admin;

/// <summary>The host where a request may name its client address (<see cref="ClientAddressFilter"/>).</summary>
public sealed class AddressedApp : SignpostFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressFilter>());
    }
}

/// <summary>
/// Issue 15, attack 5: a session counts only for the practices whose rules admitted its sign-in. Before,
/// an administrator of A and B signed in where only A's rules allowed it and opened B's console anyway.
/// </summary>
public sealed class AdmittedSessionTests(AddressedApp app) : IClassFixture<AddressedApp>
{
    private const string Home = "192.0.2.44";
    private const string LanOfB = "203.0.113.25";

    private async Task<TestBrowser> SignedInFromAsync(Account account, string ip)
    {
        var browser = app.CreateBrowser();
        browser.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, ip);
        var response = await browser.SignInAsync(account.Username, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    [Fact]
    public async Task Console_SessionAdmittedByAOnly_RefusedByBsConsoleAndApi_AdmittedFromBsNetwork()
    {
        // Arrange: Ari administers A (open) and B (its LAN only).
        var (slugA, ari) = await app.PracticeAsync("alpha");
        var (slugB, _) = await app.PracticeAsync("bravo");
        var b = await app.WithDbAsync(async db =>
        {
            var organization = await db.Organizations.SingleAsync(o => o.Slug == slugB);
            organization.Policy.RestrictToAllowedNetworks = true;
            organization.NetworkRanges = [new() { Cidr = "203.0.113.0/24", Label = "LAN" }];
            db.Memberships.Add(new Membership { AccountId = ari.Id, OrganizationId = organization.Id, Roles = PracticeRoles.PracticeAdmin, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            return organization;
        });

        // Act: from home (A admits it, B does not), then from B's LAN.
        using var fromHome = await SignedInFromAsync(ari, Home);
        using var homeA = await fromHome.GetAsync($"/admin/{slugA}");
        using var homeB = await fromHome.GetAsync($"/admin/{slugB}");
        using var homeApiB = await fromHome.GetAsync($"/api/v1/organizations/{slugB}/members");
        var (_, index) = await fromHome.GetPageAsync("/admin");
        using var fromLan = await SignedInFromAsync(ari, LanOfB);
        using var lanB = await fromLan.GetAsync($"/admin/{slugB}");

        // Assert: B's console and API refuse the session from home, like any practice not administered...
        Assert.Equal(HttpStatusCode.OK, homeA.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, homeB.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, homeApiB.StatusCode);
        Assert.Equal("not_found", (await TestBrowser.JsonAsync(homeApiB)).GetProperty("code").GetString());
        Assert.DoesNotContain(slugB, index.Body!.InnerHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, lanB.StatusCode);

        // ...and the audit trail says why, for Ari's support call.
        var refusals = await app.AuditAsync(ari.Id, AdminScope.RefusalAction);
        Assert.Contains(refusals, e => e.TargetId == slugB && e.OrganizationId == b.Id && e.After!.Contains(PracticeAdministration.NotAdmittedReason, StringComparison.Ordinal));
        Assert.DoesNotContain(refusals, e => e.TargetId == slugB && e.After!.Contains("does not administer", StringComparison.Ordinal));

        // The sessions record what admitted them.
        var sessions = await app.WithDbAsync(db => db.Sessions.AsNoTracking().Where(s => s.AccountId == ari.Id).OrderBy(s => s.CreatedAt).ToListAsync());
        Assert.Equal(2, sessions.Count);
        Assert.DoesNotContain(b.Id, sessions[0].AdmittedFor);
        Assert.Contains(b.Id, sessions[1].AdmittedFor);
    }
}

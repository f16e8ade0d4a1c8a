using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Web.Platform;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Admin;

/// <summary>Practices with an administrator, people in them, signed-in browsers, and what the audit trail holds.</summary>
public static class AdminWorld
{
    /// <summary>A new practice and its one administrator (also Staff), signed up through the app's own administration service.</summary>
    public static async Task<(string Slug, Account Admin)> PracticeAsync(this SignpostFactory app, string prefix, string name = "Test Practice")
    {
        var slug = TestAccounts.Unique(prefix);
        await app.CreateOrganizationAsync(slug, name);
        var admin = await app.PersonAsync("admin", slug, PracticeRoles.PracticeAdmin | PracticeRoles.Staff);
        return (slug, admin);
    }

    public static Task<Account> PersonAsync(
        this SignpostFactory app, string prefix, string? slug, PracticeRoles roles, string? password = TestAccounts.Password, PlatformRoles platform = PlatformRoles.None)
    {
        var username = TestAccounts.Unique(prefix);
        return app.WithServicesAsync(services => services.GetRequiredService<PlatformProvisioning>().CreateAccountAsync(
            slug, username, $"{username}@clinic.example", $"{char.ToUpperInvariant(prefix[0])}{prefix[1..]} {username[^4..]}", null, roles, platform, password, CancellationToken.None).Done());
    }

    /// <summary>A browser signed in as <paramref name="account"/> (cookie session: pages and the API both accept it).</summary>
    public static async Task<TestBrowser> SignedInAsync(this SignpostFactory app, Account account)
    {
        var browser = app.CreateBrowser();
        var response = await browser.SignInAsync(account.Username, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    public static Task<Account> StoredAsync(this SignpostFactory app, Guid accountId) =>
        app.WithDbAsync(db => db.Accounts.AsNoTracking().Include(a => a.Memberships).SingleAsync(a => a.Id == accountId));

    /// <summary>The audit entries an actor wrote with <paramref name="action"/>, oldest first.</summary>
    public static Task<List<AuditEntry>> AuditAsync(this SignpostFactory app, Guid actor, string action) =>
        app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.ActorAccountId == actor && e.Action == action).OrderBy(e => e.Sequence).ToListAsync());

    public static Task<HttpResponseMessage> PostJsonAsync(this TestBrowser browser, string path, object body) =>
        browser.Http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);

    public static Task<HttpResponseMessage> PutJsonAsync(this TestBrowser browser, string path, object body) =>
        browser.Http.PutAsJsonAsync(new Uri(path, UriKind.Relative), body);
}

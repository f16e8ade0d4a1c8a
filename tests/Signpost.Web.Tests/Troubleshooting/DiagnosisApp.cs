using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Troubleshooting;

/// <summary>
/// The real host over SQLite, where a request may name its client address (<see cref="ClientAddressFilter"/>)
/// so stories can fail from several networks.
/// </summary>
public sealed class DiagnosisApp : SignpostFactory
{
    public DiagnosisApp() => BackgroundJobs = true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressFilter>());
    }

    /// <summary>One app-style sign-in from <paramref name="clientIp"/>; returns its trace ID and the code the person saw.</summary>
    public async Task<(string TraceId, string ShownCode)> AttemptAsync(string identifier, string password, string clientIp = "203.0.113.10")
    {
        using var browser = CreateBrowser();
        browser.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, clientIp);
        var response = await browser.Http.PostAsJsonAsync("/api/v1/sign-in", new { identifier, password });
        var body = await TestBrowser.JsonAsync(response);
        return (body.GetProperty("traceId").GetString()!, body.GetProperty("code").GetString()!);
    }

    /// <summary>A browser signed in as a new account with these roles.</summary>
    public async Task<TestBrowser> SignedInAsync(PlatformRoles platformRoles = PlatformRoles.None, string? practiceAdminOf = null)
    {
        var account = await CreateAccountAsync(TestAccounts.Unique("staff"), practiceAdminOf, platformRoles: platformRoles);
        if (practiceAdminOf is not null)
        {
            await WithDbAsync(db => db.Memberships.Where(m => m.AccountId == account.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Roles, PracticeRoles.PracticeAdmin)));
        }

        var browser = CreateBrowser();
        var response = await browser.ApiSignInAsync(account.Username, TestAccounts.Password);
        Xunit.Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return browser;
    }

    /// <summary>GETs a path and reads the status and JSON body.</summary>
    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> GetJsonAsync(TestBrowser browser, string path)
    {
        var response = await browser.GetAsync(path);
        return (response.StatusCode, await TestBrowser.JsonAsync(response));
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Platform;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>Operators' side: the command line, the platform page with its "Test connection" button, and the alerts.</summary>
public sealed class SsoAdminTests(SsoAppFixture fixture) : IClassFixture<SsoAppFixture>
{
    private SsoApp App => fixture.App;

    private Task<CliRun> RunAsync(params string[] args) =>
        SignpostCommand.RunAsync(App.ConnectionString, App.Folder, null, [.. args, "--Signpost:Sso:AllowHttpProviders=true", "--Signpost:Sso:AllowPrivateProviderAddresses=true", "--Signpost:Sso:BackchannelTimeoutSeconds=2"]);

    [Fact]
    public async Task Cli_AddListTest_StoresSecretEncryptedAndAuditsWithoutIt()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("cli");
        await App.CreateOrganizationAsync(slug, "CLI Practice");
        var variable = "SIGNPOST_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(variable, "s3cret-from-env");

        var added = await RunAsync("sso", "add", "--org", slug, "--discovery-url", provider.DiscoveryUrl, "--client-id", "portal",
            "--client-secret-env", variable, "--required", "true", "--email-domain", "cli-practice.example", "--userinfo", "false");
        var listed = await RunAsync("sso", "list");
        var tested = await RunAsync("sso", "test", "--org", slug);

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains($"/sso/callback/{slug}", added.Stdout, StringComparison.Ordinal);
        Assert.Contains(slug, listed.Stdout, StringComparison.Ordinal);
        Assert.True(tested.ExitCode == 0, tested.ToString());
        Assert.Contains("[ok] discovery", tested.Stdout, StringComparison.Ordinal);
        var connection = await App.WithDbAsync(db => db.SsoConnections.Include(c => c.Organization).SingleAsync(c => c.Organization!.Slug == slug));
        Assert.True(connection.Required);
        Assert.False(connection.UseUserInfo);
        Assert.DoesNotContain("s3cret-from-env", connection.ProtectedClientSecret, StringComparison.Ordinal);
        Assert.Equal("s3cret-from-env", App.Services.GetRequiredService<SsoSchemes>().SecretOf(connection));
        var audit = await App.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Action == "sso.create" && e.TargetId == connection.Id.ToString()));
        Assert.Contains("\"SecretSet\":true", audit.After, StringComparison.Ordinal);
        Assert.Contains("\"UseUserInfo\":false", audit.After, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", audit.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_Remove_TakesTheConnectionsLinksAndHealthHistoryWithIt()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("gone");
        var connection = await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync(slug, $"dana@{slug}.example");
        await provider.SetAsync(("email", $"dana@{slug}.example"));
        using (var first = App.CreateBrowser())
        {
            using var signedIn = await SsoApp.CallbackAsync(first, await SsoApp.AtProviderAsync(await SsoApp.StartAsync(first, slug)));
            Assert.Equal((Signpost.Core.Reasons.ReasonCodes.SignedIn, member.Id), ((await App.EventOfAsync(signedIn)).ReasonCode, (await App.EventOfAsync(signedIn)).AccountId));
        }

        var tested = await RunAsync("sso", "test", "--org", slug);
        Assert.True(tested.ExitCode == 0, tested.ToString());
        Assert.Equal((1, 1), await RowsOfAsync(connection.Id));

        var removed = await RunAsync("sso", "remove", "--org", slug);
        var again = await RunAsync("sso", "remove", "--org", slug);

        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.NotEqual(0, again.ExitCode);
        Assert.False(await App.WithDbAsync(db => db.SsoConnections.AnyAsync(c => c.Id == connection.Id)));
        Assert.Equal((0, 0), await RowsOfAsync(connection.Id));
        var audit = await App.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Action == "sso.remove" && e.TargetId == connection.Id.ToString()));
        Assert.Contains(provider.DiscoveryUrl, audit.Before, StringComparison.Ordinal);
        // The practice's people keep their accounts; the button and the start address are gone.
        Assert.True(await App.WithDbAsync(db => db.Accounts.AnyAsync(a => a.Id == member.Id)));
        using var browser = App.CreateBrowser();
        using var start = await browser.GetAsync($"/sso/{slug}");
        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
    }

    private Task<(int Links, int Health)> RowsOfAsync(Guid connectionId) =>
        App.WithDbAsync(async db => (await db.SsoLinks.CountAsync(l => l.ConnectionId == connectionId), await db.SsoHealthRecords.CountAsync(r => r.ConnectionId == connectionId)));

    [Fact]
    public async Task PlatformPage_TestConnection_ExplainsEachFailureInPlainWords()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("page");
        await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        await provider.SetAsync(("discovery", "bad-json"));
        var admin = await App.CreateAccountAsync(TestAccounts.Unique("operator"), null, platformRoles: PlatformRoles.PlatformAdmin);
        using var browser = App.CreateBrowser();
        await browser.SignInAsync(admin.Username, TestAccounts.Password);

        var form = await browser.OpenFormAsync($"/platform/sso/{slug}", "form[action*='handler=Test']");
        using var tested = await browser.SubmitAsync(form);

        Assert.Equal(HttpStatusCode.OK, tested.StatusCode);
        var document = await TestBrowser.ParseAsync(tested);
        var report = document.QuerySelector("[data-testid=sso-report]");
        Assert.NotNull(report);
        Assert.Equal("Failing", report.GetAttribute("data-status"));
        Assert.Contains("is not valid JSON", report.TextContent, StringComparison.Ordinal);
        Assert.Equal("Failing", document.QuerySelector("[data-testid=sso-status]")!.GetAttribute("data-status"));
    }

    [Fact]
    public async Task PlatformPage_PracticeStaff_AreRefused()
    {
        var slug = TestAccounts.Unique("refused");
        await App.CreateConnectionAsync(slug, $"http://127.0.0.1:1{SsoConnection.WellKnownSuffix}");
        var staff = await App.CreateAccountAsync(TestAccounts.Unique("staff"), slug);
        using var browser = App.CreateBrowser();
        await browser.SignInAsync(staff.Username, TestAccounts.Password);

        using var response = await browser.GetAsync($"/platform/sso/{slug}");

        // Like every platform page: the same 404 as an address that does not exist, and an audited refusal.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(await App.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.AuditEntries,
            a => a.Action == Signpost.Web.Infrastructure.AdminScope.RefusalAction && a.ActorAccountId == staff.Id && a.TargetId == $"/platform/sso/{slug}")));
    }

    [Fact]
    public async Task HealthJob_FailingConnection_AlertsOperatorsAndPracticeAdminsOncePerDay()
    {
        await using var app = new SsoApp { OperatorsEmail = "operators@payer.example" };
        var slug = TestAccounts.Unique("alert");
        await app.CreateConnectionAsync(slug, $"http://127.0.0.1:{TestProvider.FreePort()}{SsoConnection.WellKnownSuffix}");
        await app.WithServicesAsync(services => services.GetRequiredService<PlatformProvisioning>().CreateAccountAsync(
            slug, TestAccounts.Unique("padmin"), "padmin@alert.example", "Practice Admin", null, PracticeRoles.PracticeAdmin, PlatformRoles.None, TestAccounts.Password, CancellationToken.None).Done());
        var job = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SsoHealthJob>().Single();

        await job.RunOnceAsync(CancellationToken.None);
        await job.RunOnceAsync(CancellationToken.None);

        var mail = Assert.Single(app.PickedUpMail());
        Assert.Contains("operators@payer.example", mail, StringComparison.Ordinal);
        Assert.Contains("padmin@alert.example", mail, StringComparison.Ordinal);
        Assert.Contains("could not be reached", mail, StringComparison.Ordinal);
        Assert.Equal(2, await app.WithDbAsync(db => db.SsoHealthRecords.CountAsync()));
    }

    [Fact]
    public async Task HealthJob_KeyExpiringInsideWindow_AlertsOnce()
    {
        await using var provider = await TestProvider.StartHostileAsync(certificateDays: 3);
        await using var app = new SsoApp { OperatorsEmail = "operators@payer.example" };
        await app.CreateConnectionAsync(TestAccounts.Unique("expiring"), provider.DiscoveryUrl);
        var job = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SsoHealthJob>().Single();

        await job.RunOnceAsync(CancellationToken.None);
        await job.RunOnceAsync(CancellationToken.None);

        var mail = Assert.Single(app.PickedUpMail());
        Assert.Contains("expires in 2 day(s)", mail, StringComparison.Ordinal);
    }
}

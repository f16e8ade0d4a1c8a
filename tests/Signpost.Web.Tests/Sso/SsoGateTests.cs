using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Web.Admin;
using Signpost.Web.Infrastructure;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Admin;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>The single sign-on host, where a request may name its client address (<see cref="ClientAddressFilter"/>).</summary>
public sealed class GateSsoApp : SsoApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressFilter>());
    }
}

/// <summary>One app and one real provider (npm's oidc-provider) whose client knows this class's practices.</summary>
public sealed class SsoGateFixture : IAsyncLifetime
{
    public static readonly string[] Slugs = ["gate-net", "gate-browser", "gate-redirect", "gate-safe-return", "gate-console"];

    public GateSsoApp App { get; } = new();

    public TestProvider Provider { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Provider = await TestProvider.StartRealAsync(Slugs.Select(SsoApp.CallbackFor).ToArray());
        _ = App.Server;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

/// <summary>
/// Issue 15, attacks 4 and 5: single sign-on passes the same gate as a password — a practice's network
/// allow-list and browser policy refuse it with the password path's reason codes — and a provider's
/// round trip cannot end on another site. Before the gate, each of these opened a session or redirected.
/// </summary>
public sealed class SsoGateTests(SsoGateFixture fixture) : IClassFixture<SsoGateFixture>
{
    private const string Inside = "203.0.113.25";
    private const string Outside = "192.0.2.44";
    private const string OldChrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.0.0 Safari/537.36";

    private GateSsoApp App => fixture.App;

    private static void From(TestBrowser browser, string ip)
    {
        browser.Http.DefaultRequestHeaders.Remove(ClientAddressFilter.Header);
        browser.Http.DefaultRequestHeaders.Add(ClientAddressFilter.Header, ip);
    }

    private Task RestrictToLanAsync(Guid organizationId) =>
        App.WithDbAsync(async db =>
        {
            var organization = await db.Organizations.SingleAsync(o => o.Id == organizationId);
            organization.Policy.RestrictToAllowedNetworks = true;
            organization.NetworkRanges = [new() { Cidr = "203.0.113.0/24", Label = "LAN" }];
            return await db.SaveChangesAsync();
        });

    private Task<bool> HasLinkAsync(Guid connectionId) => App.WithDbAsync(db => db.SsoLinks.AnyAsync(l => l.ConnectionId == connectionId));

    private Task<bool> HasSessionAsync(Guid accountId) => App.WithDbAsync(db => db.Sessions.AnyAsync(s => s.AccountId == accountId));

    [Fact]
    public async Task Sso_OutsideThePracticesNetworks_RefusedWithNetworkNotAllowedLikeThePassword()
    {
        // Arrange: the practice takes sign-ins from its LAN only.
        var connection = await App.CreateConnectionAsync("gate-net", fixture.Provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync("gate-net", "nia@gate-net.example");
        await RestrictToLanAsync(connection.OrganizationId);
        using var password = App.CreateBrowser();
        From(password, Outside);
        using var early = App.CreateBrowser();
        From(early, Outside);
        using var late = App.CreateBrowser();
        From(late, Inside);

        // Act: a password from outside; an SSO started outside; an SSO started on the LAN whose provider answer comes back from outside.
        using var passwordResponse = await password.ApiSignInAsync(member.Username, TestAccounts.Password);
        using var earlyResponse = await early.GetAsync("/sso/gate-net");
        var authorize = await SsoApp.StartAsync(late, "gate-net");
        var callback = await SsoApp.AtProviderAsync(authorize, "nia@gate-net.example");
        From(late, Outside);
        using var lateResponse = await SsoApp.CallbackAsync(late, callback);

        // Assert: one reason code on every path, an event each, no session.
        var passwordEvent = await App.EventOfAsync(passwordResponse);
        Assert.Equal(ReasonCodes.NetworkNotAllowed, passwordEvent.ReasonCode);

        Assert.Equal(HttpStatusCode.Redirect, earlyResponse.StatusCode);
        Assert.StartsWith(SsoSignIn.FailedPath, earlyResponse.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var earlyEvent = await App.EventOfAsync(earlyResponse);
        Assert.Equal((SignInMethod.Sso, ReasonCodes.NetworkNotAllowed, connection.Id.ToString(), Outside), (earlyEvent.Method, earlyEvent.ReasonCode, earlyEvent.SsoConnectionId, earlyEvent.ClientIp));

        Assert.Equal(HttpStatusCode.Redirect, lateResponse.StatusCode);
        Assert.StartsWith(SsoSignIn.FailedPath, lateResponse.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var lateEvent = await App.EventOfAsync(lateResponse);
        Assert.Equal((SignInMethod.Sso, ReasonCodes.NetworkNotAllowed, connection.Id.ToString(), Outside), (lateEvent.Method, lateEvent.ReasonCode, lateEvent.SsoConnectionId, lateEvent.ClientIp));
        Assert.Contains("nia@gate-net.example", lateEvent.Detail, StringComparison.Ordinal);
        Assert.Null(late.Cookie(SessionAuthentication.CookieName));
        Assert.False(await HasSessionAsync(member.Id));
        Assert.False(await HasLinkAsync(connection.Id)); // refused before linking: nothing written for an address the practice refuses

        // The failure page tells the person what the password page would have.
        using var page = await late.GetAsync(lateResponse.Headers.Location!.OriginalString);
        Assert.Equal(ReasonCodes.NetworkNotAllowed, PageFailure.Read(await TestBrowser.ParseAsync(page)).Code);
    }

    [Fact]
    public async Task Sso_UnsupportedBrowserWherePracticeBlocks_RefusedWithBrowserUnsupportedLikeThePassword()
    {
        // Arrange
        var connection = await App.CreateConnectionAsync("gate-browser", fixture.Provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync("gate-browser", "bo@gate-browser.example");
        await App.WithDbAsync(async db =>
        {
            (await db.Organizations.SingleAsync(o => o.Id == connection.OrganizationId)).Policy.BrowserPolicy = BrowserPolicy.Block;
            return await db.SaveChangesAsync();
        });
        using var password = App.CreateBrowser(userAgent: OldChrome);
        using var early = App.CreateBrowser(userAgent: OldChrome);
        using var upgraded = App.CreateBrowser();

        // Act: a password; an SSO started in the old browser; one whose callback arrives from the old browser (the gate runs at the callback).
        using var passwordResponse = await password.ApiSignInAsync(member.Username, TestAccounts.Password);
        using var earlyResponse = await early.GetAsync("/sso/gate-browser");
        var authorize = await SsoApp.StartAsync(upgraded, "gate-browser");
        var callback = await SsoApp.AtProviderAsync(authorize, "bo@gate-browser.example");
        upgraded.Http.DefaultRequestHeaders.Remove("User-Agent");
        upgraded.Http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", OldChrome);
        using var lateResponse = await SsoApp.CallbackAsync(upgraded, callback);

        // Assert
        Assert.Equal(ReasonCodes.BrowserUnsupported, (await App.EventOfAsync(passwordResponse)).ReasonCode);
        Assert.Equal((SignInMethod.Sso, ReasonCodes.BrowserUnsupported), ((await App.EventOfAsync(earlyResponse)).Method, (await App.EventOfAsync(earlyResponse)).ReasonCode));
        var lateEvent = await App.EventOfAsync(lateResponse);
        Assert.Equal((SignInMethod.Sso, ReasonCodes.BrowserUnsupported, connection.Id.ToString()), (lateEvent.Method, lateEvent.ReasonCode, lateEvent.SsoConnectionId));
        Assert.False(await HasLinkAsync(connection.Id));
        Assert.StartsWith(SsoSignIn.FailedPath, lateResponse.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.False(await HasSessionAsync(member.Id));
    }

    [Theory]
    [InlineData("gate-redirect", "/%09/evil.example", "/")]
    [InlineData("gate-safe-return", "/account/sessions?tab=1", "/account/sessions?tab=1")]
    public async Task Sso_ReturnUrl_OnlyAPathOnThisSiteSurvivesTheProvidersRoundTrip(string slug, string returnUrl, string expected)
    {
        // Arrange
        await App.CreateConnectionAsync(slug, fixture.Provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync(slug, $"rae@{slug}.example");
        using var browser = App.CreateBrowser();
        From(browser, Inside);

        // Act
        using var start = await browser.GetAsync($"/sso/{slug}?returnUrl={returnUrl}");
        var callback = await SsoApp.AtProviderAsync(start.Headers.Location!, $"rae@{slug}.example");
        using var response = await SsoApp.CallbackAsync(browser, callback);

        // Assert: signed in, and sent to this site only (before: "Location: /\t/evil.example", which browsers read as //evil.example).
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.OriginalString);
        Assert.Equal((ReasonCodes.SignedIn, member.Id), ((await App.EventOfAsync(response)).ReasonCode, (await App.EventOfAsync(response)).AccountId));
    }

    [Fact]
    public async Task Console_PracticeRequiresSso_PasswordSessionRefusedThereButItsOwnSsoSessionAdmitted()
    {
        // Arrange: Dee administers an open practice and one that requires its own provider.
        var (openSlug, dee) = await App.PracticeAsync("gate-open");
        var connection = await App.CreateConnectionAsync("gate-console", fixture.Provider.DiscoveryUrl, new SsoConnectionRequest("", "", null, Required: true));
        await App.WithDbAsync(async db =>
        {
            db.Memberships.Add(new Membership { AccountId = dee.Id, OrganizationId = connection.OrganizationId, Roles = PracticeRoles.PracticeAdmin, CreatedAt = DateTimeOffset.UtcNow });
            await db.Accounts.Where(a => a.Id == dee.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Email, "dee@gate-console.example").SetProperty(a => a.NormalizedEmail, Account.Normalize("dee@gate-console.example")));
            return await db.SaveChangesAsync();
        });

        // Act: a password session (admitted by the open practice only), then a session through the provider.
        using var byPassword = await App.SignedInAsync(dee);
        using var ownConsole = await byPassword.GetAsync($"/admin/{openSlug}");
        using var ssoConsole = await byPassword.GetAsync("/admin/gate-console");
        using var ssoApi = await byPassword.GetAsync("/api/v1/organizations/gate-console/members");
        using var bySso = App.CreateBrowser();
        var callback = await SsoApp.AtProviderAsync(await SsoApp.StartAsync(bySso, "gate-console"), "dee@gate-console.example");
        using var signedIn = await SsoApp.CallbackAsync(bySso, callback);
        using var ssoConsoleAfter = await bySso.GetAsync("/admin/gate-console");
        using var openConsoleAfter = await bySso.GetAsync($"/admin/{openSlug}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, ownConsole.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ssoConsole.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ssoApi.StatusCode);
        Assert.Equal((ReasonCodes.SignedIn, dee.Id), ((await App.EventOfAsync(signedIn)).ReasonCode, (await App.EventOfAsync(signedIn)).AccountId));
        Assert.Equal(HttpStatusCode.OK, ssoConsoleAfter.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, openConsoleAfter.StatusCode);
        var refusals = await App.AuditAsync(dee.Id, AdminScope.RefusalAction);
        Assert.Contains(refusals, e => e.TargetId == "gate-console" && e.After!.Contains(PracticeAdministration.NotAdmittedReason, StringComparison.Ordinal));
        Assert.Contains(refusals, e => e.TargetId == openSlug && e.After!.Contains(PracticeAdministration.NotAdmittedReason, StringComparison.Ordinal));
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Accounts;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>One app and one real provider whose client has the redirect URIs of this class's practices.</summary>
public sealed class PageProviderFixture : IAsyncLifetime
{
    public static readonly string[] Slugs = ["page-create", "page-edit", "page-disable", "page-userinfo"];

    public SsoApp App { get; } = new();

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
/// Operators editing a connection on <c>/platform/sso/{slug}</c>: creating one where there was none, changes
/// that apply to the next sign-in without a restart, the write-only secret, field-named problems, the audit
/// entry, and refusals of a stale or forged form. Practice admins see the status, read-only.
/// </summary>
public sealed class SsoConnectionPageTests(PageProviderFixture fixture) : IClassFixture<PageProviderFixture>
{
    private const string FormSelector = "[data-testid=sso-form]";

    private SsoApp App => fixture.App;

    private async Task<TestBrowser> OperatorAsync()
    {
        var admin = await App.CreateAccountAsync(TestAccounts.Unique("operator"), null, platformRoles: PlatformRoles.PlatformAdmin);
        var browser = App.CreateBrowser();
        await browser.SignInAsync(admin.Username, TestAccounts.Password);
        return browser;
    }

    private static KeyValuePair<string, string> Typed(string field, string value) => new("Form." + field, value);

    /// <summary>
    /// Every checkbox as a browser sends it, ticked (true) or not (only the hidden false) — <see cref="HtmlForm"/>
    /// reads a checkbox's value whether ticked or not — and the role, a select it does not read.
    /// </summary>
    private static List<KeyValuePair<string, string>> Boxes(bool linkByEmail = true, bool linkByNpi = true, bool createAccounts = false, bool required = false, bool enabled = true, bool useUserInfo = true) =>
    [
        Typed("UseUserInfo", useUserInfo ? "true" : "false"),
        Typed("RemoveSecret", "false"),
        Typed("LinkByEmail", linkByEmail ? "true" : "false"),
        Typed("LinkByNpi", linkByNpi ? "true" : "false"),
        Typed("CreateAccounts", createAccounts ? "true" : "false"),
        Typed("Required", required ? "true" : "false"),
        Typed("Enabled", enabled ? "true" : "false"),
        Typed("DefaultRoles", "Staff"),
    ];

    private async Task<HttpResponseMessage> SsoSignInAsync(TestBrowser browser, string slug, string login)
    {
        var authorize = await SsoApp.StartAsync(browser, slug);
        return await SsoApp.CallbackAsync(browser, await SsoApp.AtProviderAsync(authorize, login));
    }

    [Fact]
    public async Task Page_OrganizationWithoutConnection_CreatesOneThatSignsInAtOnce()
    {
        const string slug = "page-create";
        await App.CreateOrganizationAsync(slug, "Page Create Practice");
        var member = await App.CreateMemberAsync(slug, "lee@page-create.example");
        using var browser = await OperatorAsync();

        var (orgPage, orgDocument) = await browser.GetPageAsync($"/platform/organizations/{slug}");
        orgPage.Dispose();
        Assert.Equal($"/platform/sso/{slug}", orgDocument.QuerySelector("[data-testid=sso-link]")!.GetAttribute("href"));
        Assert.Equal("none", orgDocument.QuerySelector("[data-testid=sso-status]")!.GetAttribute("data-status"));
        var form = await browser.OpenFormAsync($"/platform/sso/{slug}", FormSelector);
        using var saved = await browser.SubmitAsync(form, [
            Typed("DiscoveryUrl", fixture.Provider.DiscoveryUrl), Typed("ClientId", TestProvider.ClientId), Typed("ClientSecret", TestProvider.ClientSecret),
            Typed("EmailDomains", "page-create.example"), .. Boxes()]);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal($"/platform/sso/{slug}?done=created", saved.Headers.Location!.OriginalString);
        var connection = await App.WithDbAsync(db => db.SsoConnections.AsNoTracking().Include(c => c.Organization).SingleAsync(c => c.Organization!.Slug == slug));
        Assert.Equal((fixture.Provider.DiscoveryUrl, TestProvider.ClientId), (connection.DiscoveryUrl, connection.ClientId));
        Assert.Equal(["page-create.example"], connection.EmailDomains);
        Assert.Equal(TestProvider.ClientSecret, App.Services.GetRequiredService<SsoSchemes>().SecretOf(connection));
        var audit = await App.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "sso.create" && e.TargetId == connection.Id.ToString()));
        Assert.NotNull(audit.ActorAccountId);
        Assert.DoesNotContain(TestProvider.ClientSecret, audit.After, StringComparison.Ordinal);
        using var person = App.CreateBrowser();
        using var signedIn = await SsoSignInAsync(person, slug, "lee@page-create.example");
        var recorded = await App.EventOfAsync(signedIn);
        Assert.Equal((ReasonCodes.SignedIn, member.Id), (recorded.ReasonCode, recorded.AccountId));
    }

    [Fact]
    public async Task Page_EditDiscoveryUrlWithBlankSecret_KeepsSecretAndAppliesToNextSignInWithoutRestart()
    {
        const string slug = "page-edit";
        var dead = $"http://127.0.0.1:{TestProvider.FreePort()}{SsoConnection.WellKnownSuffix}";
        var before = await App.CreateConnectionAsync(slug, dead);
        var member = await App.CreateMemberAsync(slug, "kim@page-edit.example");
        using var person = App.CreateBrowser();
        using var unreachable = await person.GetAsync($"/sso/{slug}");
        Assert.DoesNotContain(fixture.Provider.Issuer, unreachable.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        using var browser = await OperatorAsync();

        var (page, document) = await browser.GetPageAsync($"/platform/sso/{slug}");
        var html = document.DocumentElement.OuterHtml;
        page.Dispose();
        var form = await browser.OpenFormAsync($"/platform/sso/{slug}", FormSelector);
        Assert.Equal("", form.Value("Form.ClientSecret"));
        using var saved = await browser.SubmitAsync(form, [Typed("DiscoveryUrl", fixture.Provider.DiscoveryUrl), .. Boxes()]);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.DoesNotContain(TestProvider.ClientSecret, html, StringComparison.Ordinal);
        Assert.DoesNotContain(before.ProtectedClientSecret!, html, StringComparison.Ordinal);
        var after = await App.WithDbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Id == before.Id));
        Assert.Equal(fixture.Provider.DiscoveryUrl, after.DiscoveryUrl);
        Assert.True(after.UpdatedAt > before.UpdatedAt);
        Assert.Equal(TestProvider.ClientSecret, App.Services.GetRequiredService<SsoSchemes>().SecretOf(after));
        var audit = await App.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "sso.update" && e.TargetId == before.Id.ToString()));
        Assert.Contains(dead, audit.Before, StringComparison.Ordinal);
        Assert.Contains(fixture.Provider.DiscoveryUrl, audit.After, StringComparison.Ordinal);
        using var signedIn = await SsoSignInAsync(person, slug, "kim@page-edit.example");
        var recorded = await App.EventOfAsync(signedIn);
        Assert.Equal((ReasonCodes.SignedIn, member.Id), (recorded.ReasonCode, recorded.AccountId));
    }

    [Fact]
    public async Task Page_UserInfoUnticked_NextSignInReadsTheIdTokenAlone_AndTickedAgainLinks()
    {
        // The fixture's provider keeps oidc-provider's defaults: its ID token carries no email, userinfo does.
        const string slug = "page-userinfo";
        var connection = await App.CreateConnectionAsync(slug, fixture.Provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync(slug, "uli@page-userinfo.example");
        using var browser = await OperatorAsync();

        var (page, document) = await browser.GetPageAsync($"/platform/sso/{slug}");
        page.Dispose();
        Assert.True(document.QuerySelector("#sso-UseUserInfo")!.HasAttribute("checked"));
        var form = await browser.OpenFormAsync($"/platform/sso/{slug}", FormSelector);
        using var off = await browser.SubmitAsync(form, [.. Boxes(linkByNpi: false, useUserInfo: false)]);
        using (var person = App.CreateBrowser())
        {
            using var refused = await SsoSignInAsync(person, slug, "uli@page-userinfo.example");
            var recorded = await App.EventOfAsync(refused);
            Assert.Equal(ReasonCodes.SsoUserNotLinked, recorded.ReasonCode);
            Assert.Contains("userinfo not read (off for this connection)", recorded.Detail, StringComparison.Ordinal);
        }

        form = await browser.OpenFormAsync($"/platform/sso/{slug}", FormSelector);
        using var on = await browser.SubmitAsync(form, [.. Boxes(linkByNpi: false, useUserInfo: true)]);
        using var again = App.CreateBrowser();
        using var signedIn = await SsoSignInAsync(again, slug, "uli@page-userinfo.example");

        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (off.StatusCode, on.StatusCode));
        Assert.Equal((ReasonCodes.SignedIn, member.Id), ((await App.EventOfAsync(signedIn)).ReasonCode, (await App.EventOfAsync(signedIn)).AccountId));
        var audits = await App.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == "sso.update" && e.TargetId == connection.Id.ToString()).OrderBy(e => e.Sequence).ToListAsync());
        Assert.Equal(2, audits.Count);
        Assert.Contains("\"UseUserInfo\":false", audits[0].After, StringComparison.Ordinal);
        Assert.Contains("\"UseUserInfo\":true", audits[1].After, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DiscoveryUrl", "not a url")]
    [InlineData("DiscoveryUrl", "https://login.example/authorize")]
    [InlineData("ClientId", "")]
    [InlineData("UsernameClaim", "user name")]
    [InlineData("EmailClaim", "")]
    [InlineData("NpiClaim", "n\u0001pi")]
    [InlineData("DefaultRoles", "Root")]
    [InlineData("DefaultRoles", "7")]
    [InlineData("EmailDomains", "not_a_domain")]
    public async Task Page_MalformedValue_IsNamedByItsFieldAndNothingIsStored(string field, string value)
    {
        var slug = TestAccounts.Unique("page-bad");
        var created = await App.CreateConnectionAsync(slug, $"http://127.0.0.1:1{SsoConnection.WellKnownSuffix}");
        var before = await App.WithDbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Id == created.Id));
        using var browser = await OperatorAsync();

        var form = await browser.OpenFormAsync($"/platform/sso/{slug}", FormSelector);
        var typed = Boxes().Where(b => b.Key != "Form." + field).Append(Typed("ClientSecret", "typed-secret-never-echoed")).Append(Typed(field, value));
        using var refused = await browser.SubmitAsync(form, typed);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var document = await TestBrowser.ParseAsync(refused);
        Assert.Equal([field], document.QuerySelectorAll("[data-testid=problems] li").Select(li => li.GetAttribute("data-field")));
        Assert.Equal("true", document.QuerySelector($"#sso-{field}")!.GetAttribute("aria-invalid"));
        Assert.DoesNotContain("typed-secret-never-echoed", document.DocumentElement.OuterHtml, StringComparison.Ordinal);
        var after = await App.WithDbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Id == before.Id));
        Assert.Equal((before.UpdatedAt, before.ProtectedClientSecret), (after.UpdatedAt, after.ProtectedClientSecret));
        Assert.False(await App.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "sso.update" && e.TargetId == before.Id.ToString())));
    }

    [Fact]
    public async Task Page_SeveralMalformedValues_AreAllNamedAtOnce()
    {
        var slug = TestAccounts.Unique("page-many");
        await App.CreateConnectionAsync(slug, $"http://127.0.0.1:1{SsoConnection.WellKnownSuffix}");
        using var browser = await OperatorAsync();

        var form = await browser.OpenFormAsync($"/platform/sso/{slug}", FormSelector);
        using var refused = await browser.SubmitAsync(form, [.. Boxes(), Typed("DiscoveryUrl", "ftp://x"), Typed("ClientId", " "), Typed("EmailDomains", "a.example, bad domain!")]);

        var document = await TestBrowser.ParseAsync(refused);
        Assert.Equal(["DiscoveryUrl", "ClientId", "EmailDomains"], document.QuerySelectorAll("[data-testid=problems] li").Select(li => li.GetAttribute("data-field")));
    }

    [Fact]
    public async Task Page_FormOpenedBeforeAnotherOperatorsChange_IsRefusedAndKeepsTheirChange()
    {
        var slug = TestAccounts.Unique("page-stale");
        await App.CreateConnectionAsync(slug, $"http://127.0.0.1:1{SsoConnection.WellKnownSuffix}");
        using var browser = await OperatorAsync();
        var form = await browser.OpenFormAsync($"/platform/sso/{slug}", FormSelector);
        await App.WithServicesAsync(services => services.GetRequiredService<SsoConnectionManager>().SaveAsync(slug,
            new SsoConnectionRequest($"http://127.0.0.1:2{SsoConnection.WellKnownSuffix}", "their-client", null), CancellationToken.None).Done());

        using var refused = await browser.SubmitAsync(form, [.. Boxes(), Typed("ClientId", "my-client")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = (await TestBrowser.ParseAsync(refused)).QuerySelector("[data-testid=problems] li")!;
        Assert.Equal("", problem.GetAttribute("data-field"));
        Assert.Contains("changed this connection", problem.TextContent, StringComparison.Ordinal);
        var stored = await App.WithDbAsync(db => db.SsoConnections.AsNoTracking().Include(c => c.Organization).SingleAsync(c => c.Organization!.Slug == slug));
        Assert.Equal("their-client", stored.ClientId);
    }

    [Fact]
    public async Task Page_PostWithoutAntiforgeryToken_IsRefusedAndStoresNothing()
    {
        var slug = TestAccounts.Unique("page-forged");
        var before = await App.CreateConnectionAsync(slug, $"http://127.0.0.1:1{SsoConnection.WellKnownSuffix}");
        using var browser = await OperatorAsync();
        var form = await browser.OpenFormAsync($"/platform/sso/{slug}", FormSelector);

        var fields = form.Without(HtmlForm.TokenField).Where(f => f.Key != "Form.ClientId").Append(Typed("ClientId", "forged-client"));
        using var refused = await browser.Http.PostAsync(new Uri(form.Action, UriKind.Relative), new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var stored = await App.WithDbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Id == before.Id));
        Assert.Equal(TestProvider.ClientId, stored.ClientId);
    }

    [Fact]
    public async Task Page_Disable_StopsSignInAndRequiredButKeepsSettings()
    {
        const string slug = "page-disable";
        var connection = await App.CreateConnectionAsync(slug, fixture.Provider.DiscoveryUrl, new SsoConnectionRequest("", "", null, Required: true));
        using var browser = await OperatorAsync();
        using var person = App.CreateBrowser();
        using var redirected = await person.GetAsync($"/o/{slug}");
        Assert.Equal($"/sso/{slug}", redirected.Headers.Location!.OriginalString);

        var form = await browser.OpenFormAsync($"/platform/sso/{slug}", FormSelector);
        using var saved = await browser.SubmitAsync(form, [.. Boxes(required: true, enabled: false)]);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        using var start = await person.GetAsync($"/sso/{slug}");
        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
        using var signInPage = await person.GetAsync($"/o/{slug}");
        Assert.Equal(HttpStatusCode.OK, signInPage.StatusCode);
        var stored = await App.WithDbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Id == connection.Id));
        Assert.Equal((false, true, fixture.Provider.DiscoveryUrl), (stored.Enabled, stored.Required, stored.DiscoveryUrl));
        var audit = await App.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "sso.update" && e.TargetId == connection.Id.ToString()));
        Assert.Contains("\"Enabled\":false", audit.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PracticeConsole_ShowsConnectionStatusReadOnly()
    {
        var slug = TestAccounts.Unique("page-console");
        var connection = await App.CreateConnectionAsync(slug, $"http://127.0.0.1:{TestProvider.FreePort()}{SsoConnection.WellKnownSuffix}");
        await App.WithServicesAsync(services => services.GetRequiredService<SsoHealthChecker>().CheckAndRecordAsync(connection, CancellationToken.None));
        var admin = await App.CreateMemberAsync(slug, $"admin@{slug}.example", roles: PracticeRoles.PracticeAdmin);
        using var browser = App.CreateBrowser();
        await browser.SignInAsync(admin.Username, TestAccounts.Password);

        var (response, document) = await browser.GetPageAsync($"/admin/{slug}");
        using var editor = await browser.GetAsync($"/platform/sso/{slug}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        response.Dispose();
        Assert.Equal("Failing", document.QuerySelector("[data-testid=sso-status]")!.GetAttribute("data-status"));
        Assert.Null(document.QuerySelector("a[href^='/platform/sso']"));
        // Platform pages answer a non-operator like an address that does not exist (and audit the refusal).
        Assert.Equal(HttpStatusCode.NotFound, editor.StatusCode);
    }
}

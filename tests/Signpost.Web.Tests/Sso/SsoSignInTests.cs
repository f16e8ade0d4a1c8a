using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>One app and one real provider (npm's oidc-provider) shared by the class; each test has its own practice.</summary>
public sealed class RealProviderFixture : IAsyncLifetime
{
    public static readonly string[] Slugs = ["linked", "jit", "nojit", "unverified", "outsider", "npi", "required", "again", "npioff", "staff"];

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

/// <summary>Full sign-ins through a real OpenID Connect provider: linking, just-in-time creation and their refusals.</summary>
public sealed class SsoSignInTests(RealProviderFixture fixture) : IClassFixture<RealProviderFixture>
{
    private SsoApp App => fixture.App;

    private async Task<HttpResponseMessage> SignInAsync(TestBrowser browser, string slug, string login)
    {
        var authorize = await SsoApp.StartAsync(browser, slug);
        Assert.StartsWith(fixture.Provider.Issuer + "/auth", authorize.ToString(), StringComparison.Ordinal);
        // oidc-provider offers pushed authorization requests (RFC 9126), which .NET's handler then uses: the
        // parameters (PKCE challenge, nonce, state) travel on the back channel, the browser sees a request_uri.
        Assert.Contains("request_uri=", authorize.Query, StringComparison.Ordinal);
        var callback = await SsoApp.AtProviderAsync(authorize, login);
        return await SsoApp.CallbackAsync(browser, callback);
    }

    [Fact]
    public async Task SignIn_VerifiedEmailOfMember_LinksAccountAndStartsSignpostSession()
    {
        var connection = await App.CreateConnectionAsync("linked", fixture.Provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync("linked", "dana@linked.example");
        using var browser = App.CreateBrowser();

        using var response = await SignInAsync(browser, "linked", "dana@linked.example");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.NotNull(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        var recorded = await App.EventOfAsync(response);
        Assert.Equal((SignInMethod.Sso, ReasonCodes.SignedIn, member.Id, connection.Id.ToString()), (recorded.Method, recorded.ReasonCode, recorded.AccountId, recorded.SsoConnectionId));
        var link = await App.WithDbAsync(db => db.SsoLinks.SingleAsync(l => l.ConnectionId == connection.Id));
        Assert.Equal((member.Id, "email", "dana@linked.example"), (link.AccountId, link.LinkedBy, link.Subject));
        using var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task SignIn_SecondTime_UsesTheLinkBySubject()
    {
        await App.CreateConnectionAsync("again", fixture.Provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync("again", "sam@again.example");
        using (var first = App.CreateBrowser())
        {
            using var once = await SignInAsync(first, "again", "sam@again.example");
        }

        using var browser = App.CreateBrowser();
        using var response = await SignInAsync(browser, "again", "sam@again.example");

        var recorded = await App.EventOfAsync(response);
        Assert.Equal((ReasonCodes.SignedIn, member.Id), (recorded.ReasonCode, recorded.AccountId));
        Assert.Contains("linked earlier by email", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_UnknownPersonWithJustInTimeCreation_CreatesMemberWithDefaultRole()
    {
        var connection = await App.CreateConnectionAsync("jit", fixture.Provider.DiscoveryUrl,
            new SsoConnectionRequest("", "", null, Scopes: "openid profile email npi", CreateAccounts: true, DefaultRoles: PracticeRoles.Provider));
        using var browser = App.CreateBrowser();

        using var response = await SignInAsync(browser, "jit", "newbie@jit.example;username=newbie.jit;npi=1234567893");

        var recorded = await App.EventOfAsync(response);
        Assert.Equal(ReasonCodes.SignedIn, recorded.ReasonCode);
        var account = await App.WithDbAsync(db => db.Accounts.Include(a => a.Memberships).SingleAsync(a => a.Id == recorded.AccountId));
        Assert.Equal(("newbie.jit", "newbie@jit.example", "1234567893", AccountStatus.Active, null as string),
            (account.Username, account.Email, account.Npi, account.Status, account.PasswordHash));
        var membership = Assert.Single(account.Memberships);
        Assert.Equal((connection.OrganizationId, PracticeRoles.Provider), (membership.OrganizationId, membership.Roles));
        Assert.True(await App.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "account.create" && e.TargetId == account.Id.ToString() && e.Actor == "sso:jit")));
    }

    [Fact]
    public async Task SignIn_UnknownPersonWithoutJustInTimeCreation_IsNotLinked()
    {
        var connection = await App.CreateConnectionAsync("nojit", fixture.Provider.DiscoveryUrl);
        using var browser = App.CreateBrowser();

        using var response = await SignInAsync(browser, "nojit", "stranger@nojit.example");

        await AssertFailedAsync(browser, response, ReasonCodes.SsoUserNotLinked, connection.Id, "just-in-time creation is off");
    }

    [Fact]
    public async Task SignIn_EmailNotVerifiedByProvider_IsNotLinked()
    {
        var connection = await App.CreateConnectionAsync("unverified", fixture.Provider.DiscoveryUrl);
        await App.CreateMemberAsync("unverified", "uma@unverified.example");
        using var browser = App.CreateBrowser();

        using var response = await SignInAsync(browser, "unverified", "uma@unverified.example;unverified");

        await AssertFailedAsync(browser, response, ReasonCodes.SsoUserNotLinked, connection.Id, "did not mark it verified");
    }

    [Fact]
    public async Task SignIn_EmailOfAccountInAnotherPractice_IsNeverLinked()
    {
        var connection = await App.CreateConnectionAsync("outsider", fixture.Provider.DiscoveryUrl,
            new SsoConnectionRequest("", "", null, CreateAccounts: true));
        await App.CreateOrganizationAsync("elsewhere-practice", "Elsewhere");
        await App.CreateMemberAsync("elsewhere-practice", "victim@elsewhere.example");
        using var browser = App.CreateBrowser();

        using var response = await SignInAsync(browser, "outsider", "victim@elsewhere.example");

        await AssertFailedAsync(browser, response, ReasonCodes.SsoUserNotLinked, connection.Id, "outside this practice");
    }

    [Fact]
    public async Task SignIn_NpiOfMember_LinksByNpi()
    {
        var connection = await App.CreateConnectionAsync("npi", fixture.Provider.DiscoveryUrl,
            new SsoConnectionRequest("", "", null, Scopes: "openid email npi", LinkByEmail: false, LinkByNpi: true));
        var member = await App.CreateMemberAsync("npi", "nora@npi.example", npi: "1245319599");
        using var browser = App.CreateBrowser();

        using var response = await SignInAsync(browser, "npi", "nora.other@idp.example;npi=1245319599");

        var recorded = await App.EventOfAsync(response);
        Assert.Equal((ReasonCodes.SignedIn, member.Id), (recorded.ReasonCode, recorded.AccountId));
        Assert.Equal("npi", (await App.WithDbAsync(db => db.SsoLinks.SingleAsync(l => l.ConnectionId == connection.Id))).LinkedBy);
    }

    [Fact]
    public async Task SignIn_NpiOfMember_NotLinkedWhileTheConnectionLeavesNpiLinkingOff()
    {
        // An NPI is public: linking by it is off unless the connection turns it on (docs/sso.md).
        var connection = await App.CreateConnectionAsync("npioff", fixture.Provider.DiscoveryUrl,
            new SsoConnectionRequest("", "", null, Scopes: "openid email npi", LinkByEmail: false));
        var member = await App.CreateMemberAsync("npioff", "nell@npioff.example", npi: "1555012347");
        using var browser = App.CreateBrowser();

        using var response = await SignInAsync(browser, "npioff", "someone.else@idp.example;npi=1555012347");

        Assert.False(connection.LinkByNpi);
        await AssertFailedAsync(browser, response, ReasonCodes.SsoUserNotLinked, connection.Id, "no member of the practice matches");
        Assert.False(await App.WithDbAsync(db => db.SsoLinks.AnyAsync(l => l.AccountId == member.Id)));
    }

    [Fact]
    public async Task SignIn_VerifiedEmailOfMemberHoldingPlatformRole_IsNeverLinked()
    {
        // Payer staff who (from older data) also hold a membership: the practice's provider still may not speak for them.
        var connection = await App.CreateConnectionAsync("staff", fixture.Provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync("staff", "pat@staff.example");
        await App.WithDbAsync(db => db.Accounts.Where(a => a.Id == member.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.PlatformRoles, PlatformRoles.SupportAgent)));
        using var browser = App.CreateBrowser();

        using var response = await SignInAsync(browser, "staff", "pat@staff.example");

        await AssertFailedAsync(browser, response, ReasonCodes.SsoUserNotLinked, connection.Id, "platform role");
        Assert.False(await App.WithDbAsync(db => db.SsoLinks.AnyAsync(l => l.AccountId == member.Id)));
    }

    [Fact]
    public async Task Required_PracticePageGoesToProvider_AndPasswordGetsItsOwnReasonOnlyWhenProven()
    {
        await App.CreateConnectionAsync("required", fixture.Provider.DiscoveryUrl, new SsoConnectionRequest("", "", null, Required: true));
        var member = await App.CreateMemberAsync("required", "rita@required.example");
        using var browser = App.CreateBrowser();

        using var practicePage = await browser.GetAsync("/o/required");
        Assert.Equal(HttpStatusCode.Redirect, practicePage.StatusCode);
        Assert.Equal("/sso/required", practicePage.Headers.Location!.OriginalString);

        using var wrong = await browser.SignInAsync(member.Username, TestAccounts.WrongPassword);
        Assert.Equal(ReasonCodes.InvalidCredentials, PageFailure.Read(await TestBrowser.ParseAsync(wrong)).Code);

        using var right = await browser.SignInAsync(member.Username, TestAccounts.Password);
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(right));
        Assert.Equal(ReasonCodes.SsoRequired, failure.Code);
        Assert.Contains("Sign in with your organization", failure.Text, StringComparison.Ordinal);
        Assert.Null(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        Assert.Equal(ReasonCodes.SsoRequired, (await App.EventAsync(failure.TraceId)).ReasonCode);
    }

    [Fact]
    public async Task HomeRealmDiscovery_EmailDomainOfPractice_GoesToItsProvider()
    {
        await App.CreateConnectionAsync(TestAccounts.Unique("realm"), fixture.Provider.DiscoveryUrl, new SsoConnectionRequest("", "", null, EmailDomains: ["realm-clinic.example"]));
        using var browser = App.CreateBrowser();

        using var known = await browser.GetAsync("/sso?email=someone%40Realm-Clinic.example");
        using var unknown = await browser.GetAsync("/sso?email=someone%40nowhere.example");

        Assert.StartsWith("/sso/realm-", known.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal("/sign-in?sso=unknown", unknown.Headers.Location!.OriginalString);
    }

    private async Task AssertFailedAsync(TestBrowser browser, HttpResponseMessage response, string code, Guid connectionId, string evidence)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(SsoSignIn.FailedPath + "?trace=", location, StringComparison.Ordinal);
        var recorded = await App.EventOfAsync(response);
        Assert.Equal((SignInMethod.Sso, code, connectionId.ToString(), false), (recorded.Method, recorded.ReasonCode, recorded.SsoConnectionId, recorded.Succeeded));
        Assert.Contains(evidence, recorded.Detail, StringComparison.Ordinal);
        Assert.Null(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        var (page, document) = await browser.GetPageAsync(location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var shown = PageFailure.Read(document);
        Assert.Equal((code, recorded.TraceId), (shown.Code, shown.TraceId));
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>
/// One app and two real providers (npm's oidc-provider): one with its defaults, whose ID token carries only
/// <c>sub</c> (OpenID Connect Core §5.4), and one that also puts the scope claims in the ID token.
/// </summary>
public sealed class UserInfoProvidersFixture : IAsyncLifetime
{
    public static readonly string[] Slugs = ["ui-default", "ui-off", "ui-off-idtoken", "ui-npi"];

    public SsoApp App { get; } = new();

    public TestProvider Standard { get; private set; } = null!;

    public TestProvider ClaimsInIdToken { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Standard = await TestProvider.StartRealAsync(Slugs.Select(SsoApp.CallbackFor).ToArray());
        ClaimsInIdToken = await TestProvider.StartRealWithClaimsInIdTokenAsync(Slugs.Select(SsoApp.CallbackFor).ToArray());
        _ = App.Server;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Standard.DisposeAsync();
        await ClaimsInIdToken.DisposeAsync();
    }
}

/// <summary>
/// Claims from the ID token and the userinfo endpoint (docs/sso.md "Which claims are read from where"): a
/// standards-following provider's email arrives only through userinfo and links by email; a userinfo answer
/// about another subject, or one that cannot be read, is refused with its reason code and nothing of it is used.
/// </summary>
public sealed class SsoUserInfoTests(UserInfoProvidersFixture fixture) : IClassFixture<UserInfoProvidersFixture>
{
    private SsoApp App => fixture.App;

    [Fact]
    public async Task SignIn_ProviderWithDefaultClaims_EmailFromUserInfoLinksByEmail()
    {
        var connection = await App.CreateConnectionAsync("ui-default", fixture.Standard.DiscoveryUrl,
            new SsoConnectionRequest("", "", null, Scopes: "openid profile email npi"));
        var member = await App.CreateMemberAsync("ui-default", "una@ui-default.example");
        using var browser = App.CreateBrowser();

        using var response = await SignInAsync(browser, fixture.Standard, "ui-default", "una@ui-default.example;username=una.ui");

        Assert.True(connection.UseUserInfo);
        var recorded = await App.EventOfAsync(response);
        Assert.Equal((SignInMethod.Sso, ReasonCodes.SignedIn, member.Id), (recorded.Method, recorded.ReasonCode, recorded.AccountId));
        // The ID token had no email: every claim Signpost reads came from userinfo, email with its email_verified.
        Assert.Contains("(userinfo: email, email_verified, preferred_username, name)", recorded.Detail, StringComparison.Ordinal);
        var link = await App.WithDbAsync(db => db.SsoLinks.SingleAsync(l => l.ConnectionId == connection.Id));
        Assert.Equal((member.Id, "email"), (link.AccountId, link.LinkedBy));
        Assert.NotNull(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
    }

    [Fact]
    public async Task SignIn_UserInfoTurnedOff_ProviderWithDefaultClaims_HasNoEmailAndIsNotLinked()
    {
        // The same provider and person as above, with the connection's userinfo setting off: the ID token alone
        // carries no email, which is why a standards-following provider needs userinfo.
        var connection = await App.CreateConnectionAsync("ui-off", fixture.Standard.DiscoveryUrl,
            new SsoConnectionRequest("", "", null, UseUserInfo: false));
        var member = await App.CreateMemberAsync("ui-off", "otto@ui-off.example");
        using var browser = App.CreateBrowser();

        using var response = await SignInAsync(browser, fixture.Standard, "ui-off", "otto@ui-off.example");

        Assert.False(connection.UseUserInfo);
        var recorded = await AssertRefusedAsync(browser, response, ReasonCodes.SsoUserNotLinked, connection.Id);
        Assert.Contains("userinfo not read (off for this connection)", recorded.Detail, StringComparison.Ordinal);
        Assert.False(await App.WithDbAsync(db => db.SsoLinks.AnyAsync(l => l.AccountId == member.Id)));
    }

    [Fact]
    public async Task SignIn_UserInfoTurnedOff_ProviderWithClaimsInIdToken_LinksFromTheIdToken()
    {
        var connection = await App.CreateConnectionAsync("ui-off-idtoken", fixture.ClaimsInIdToken.DiscoveryUrl,
            new SsoConnectionRequest("", "", null, UseUserInfo: false));
        var member = await App.CreateMemberAsync("ui-off-idtoken", "ida@ui-off-idtoken.example");
        using var browser = App.CreateBrowser();

        using var response = await SignInAsync(browser, fixture.ClaimsInIdToken, "ui-off-idtoken", "ida@ui-off-idtoken.example");

        var recorded = await App.EventOfAsync(response);
        Assert.Equal((ReasonCodes.SignedIn, member.Id), (recorded.ReasonCode, recorded.AccountId));
        Assert.Contains("userinfo not read", recorded.Detail, StringComparison.Ordinal);
        Assert.Equal("email", (await App.WithDbAsync(db => db.SsoLinks.SingleAsync(l => l.ConnectionId == connection.Id))).LinkedBy);
    }

    [Fact]
    public async Task SignIn_ProviderWithDefaultClaims_NpiFromUserInfoLinksByNpi()
    {
        var connection = await App.CreateConnectionAsync("ui-npi", fixture.Standard.DiscoveryUrl,
            new SsoConnectionRequest("", "", null, Scopes: "openid email npi", LinkByEmail: false, LinkByNpi: true));
        var member = await App.CreateMemberAsync("ui-npi", "nia@ui-npi.example", npi: "1497758544");
        using var browser = App.CreateBrowser();

        using var response = await SignInAsync(browser, fixture.Standard, "ui-npi", "nia.elsewhere@idp.example;npi=1497758544");

        var recorded = await App.EventOfAsync(response);
        Assert.Equal((ReasonCodes.SignedIn, member.Id), (recorded.ReasonCode, recorded.AccountId));
        Assert.Contains("(userinfo: email, email_verified, npi)", recorded.Detail, StringComparison.Ordinal);
        Assert.Equal("npi", (await App.WithDbAsync(db => db.SsoLinks.SingleAsync(l => l.ConnectionId == connection.Id))).LinkedBy);
    }

    [Fact]
    public async Task SignIn_UserInfoAboutAnotherSubject_IsRefusedAndNothingOfItIsUsed()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("uisub");
        var connection = await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync(slug, $"victim@{slug}.example");
        // The ID token is about hostile-user and carries no email; userinfo names the member's email — for another subject.
        await provider.SetAsync(("userinfo", "other-sub"), ("idTokenEmail", "false"), ("email", $"victim@{slug}.example"));
        using var browser = App.CreateBrowser();

        using var response = await SsoApp.CallbackAsync(browser, await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, slug)));

        var recorded = await AssertRefusedAsync(browser, response, ReasonCodes.SsoTokenInvalid, connection.Id);
        Assert.StartsWith("userinfo: the userinfo response is about subject 'someone-else', not the ID token's 'hostile-user'", recorded.Detail, StringComparison.Ordinal);
        Assert.Null(recorded.AccountId);
        Assert.Equal(1, await provider.UserInfoCallsAsync());
        Assert.False(await App.WithDbAsync(db => db.SsoLinks.AnyAsync(l => l.ConnectionId == connection.Id || l.AccountId == member.Id)));
        Assert.False(await App.WithDbAsync(db => db.Sessions.AnyAsync(s => s.AccountId == member.Id)));
    }

    [Theory]
    [InlineData("no-sub", ReasonCodes.SsoTokenInvalid, "userinfo: the provider's userinfo response has no sub")]
    [InlineData("401", ReasonCodes.SsoProviderMisconfigured, "userinfo: the provider's userinfo endpoint answered HTTP 401")]
    [InlineData("500", ReasonCodes.SsoProviderUnreachable, "userinfo: the provider's userinfo endpoint answered HTTP 500")]
    [InlineData("bad-json", ReasonCodes.SsoProviderMisconfigured, "userinfo: the provider's userinfo response is not a JSON object")]
    [InlineData("jwt", ReasonCodes.SsoProviderMisconfigured, "userinfo: the provider answered userinfo as 'application/jwt'")]
    [InlineData("slow", ReasonCodes.SsoProviderUnreachable, "userinfo: the provider's userinfo endpoint did not answer in time")]
    public async Task SignIn_UserInfoThatCannotBeUsed_IsRefusedWithItsReason(string userInfo, string code, string evidence)
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("uibad");
        var connection = await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        await App.CreateMemberAsync(slug, $"victim@{slug}.example");
        await provider.SetAsync(("userinfo", userInfo), ("email", $"victim@{slug}.example"), ("slowSeconds", "10"));
        using var browser = App.CreateBrowser();

        using var response = await SsoApp.CallbackAsync(browser, await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, slug)));

        var recorded = await AssertRefusedAsync(browser, response, code, connection.Id);
        Assert.StartsWith(evidence, recorded.Detail, StringComparison.Ordinal);
        Assert.False(await App.WithDbAsync(db => db.SsoLinks.AnyAsync(l => l.ConnectionId == connection.Id)));
    }

    [Fact]
    public async Task SignIn_ProviderPublishesNoUserInfo_ReadsTheIdTokenAlone()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("uinone");
        await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync(slug, $"victim@{slug}.example");
        await provider.SetAsync(("userinfo", "none"), ("email", $"victim@{slug}.example"));
        using var browser = App.CreateBrowser();

        using var response = await SsoApp.CallbackAsync(browser, await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, slug)));

        var recorded = await App.EventOfAsync(response);
        Assert.Equal((ReasonCodes.SignedIn, member.Id), (recorded.ReasonCode, recorded.AccountId));
        Assert.Contains("(userinfo: none published)", recorded.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await provider.UserInfoCallsAsync());
    }

    [Fact]
    public async Task SignIn_EmailInIdTokenAndUserInfo_TheSignedIdTokenWins()
    {
        // Userinfo adds only what the ID token lacks: a userinfo email cannot replace the one the provider signed.
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("uiboth");
        await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync(slug, $"signed@{slug}.example");
        var other = await App.CreateMemberAsync(slug, $"other@{slug}.example");
        await provider.SetAsync(("userinfo", "ok"), ("email", $"signed@{slug}.example"), ("userinfoEmail", $"other@{slug}.example"));
        using var browser = App.CreateBrowser();

        using var response = await SsoApp.CallbackAsync(browser, await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, slug)));

        var recorded = await App.EventOfAsync(response);
        Assert.Equal((ReasonCodes.SignedIn, member.Id), (recorded.ReasonCode, recorded.AccountId));
        Assert.Contains("(userinfo: read, nothing new)", recorded.Detail, StringComparison.Ordinal);
        Assert.Equal(1, await provider.UserInfoCallsAsync());
        Assert.False(await App.WithDbAsync(db => db.SsoLinks.AnyAsync(l => l.AccountId == other.Id)));
    }

    private static async Task<HttpResponseMessage> SignInAsync(TestBrowser browser, TestProvider provider, string slug, string login)
    {
        var authorize = await SsoApp.StartAsync(browser, slug);
        Assert.StartsWith(provider.Issuer + "/auth", authorize.ToString(), StringComparison.Ordinal);
        return await SsoApp.CallbackAsync(browser, await SsoApp.AtProviderAsync(authorize, login));
    }

    private async Task<SignInEvent> AssertRefusedAsync(TestBrowser browser, HttpResponseMessage response, string code, Guid connectionId)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(SsoSignIn.FailedPath + "?trace=", location, StringComparison.Ordinal);
        var recorded = await App.EventOfAsync(response);
        Assert.Equal((SignInMethod.Sso, code, connectionId.ToString(), false), (recorded.Method, recorded.ReasonCode, recorded.SsoConnectionId, recorded.Succeeded));
        Assert.Null(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        var (page, document) = await browser.GetPageAsync(location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal((code, recorded.TraceId), (PageFailure.Read(document).Code, PageFailure.Read(document).TraceId));
        return recorded;
    }
}

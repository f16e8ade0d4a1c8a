using System.Text.Json.Nodes;
using Signpost.Core.Accounts;
using Signpost.Core.Reasons;
using Signpost.Web.OpenIdProvider;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>
/// A portal signs a person in through Signpost with npm's openid-client: discovery, code + PKCE, tokens, userinfo,
/// refresh, revocation. openid-client validates every response; these tests then check what it accepted.
/// </summary>
public sealed class OidcFlowTests(OidcFixture fixture) : IClassFixture<OidcFixture>
{
    private OidcApp App => fixture.App;

    [Fact]
    public async Task CodeFlow_ConfidentialClient_EveryResponsePassesOpenIdClient()
    {
        var member = await App.CreateMemberAsync("flow-a", "flow.dana", npi: "1245319599", roles: PracticeRoles.Provider | PracticeRoles.PracticeAdmin);
        var secret = await App.AddClientAsync("portal-flow", ["flow-a"]);
        await using var rp = await RelyingParty.StartAsync();
        using var browser = App.CreateRealBrowser();

        var discovered = await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "portal-flow", clientSecret = secret });
        var metadata = discovered["metadata"]!;
        Assert.Equal(App.Issuer, metadata["issuer"]!.GetValue<string>());
        Assert.Equal(["S256"], metadata["code_challenge_methods_supported"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.DoesNotContain("password", metadata["grant_types_supported"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.DoesNotContain("implicit", metadata["grant_types_supported"]!.AsArray().Select(g => g!.GetValue<string>()));
        var authorize = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid profile email npi practices offline_access" });

        var callback = await OidcFixture.SignInThroughAsync(browser, authorize["url"]!.GetValue<string>(), "flow.dana", expectedSignInPage: "/o/flow-a");
        var tokens = await rp.MustAsync(new { cmd = "callback", url = callback.ToString() });

        var claims = tokens["claims"]!;
        Assert.Equal(member.Id.ToString(), claims["sub"]!.GetValue<string>());
        Assert.Equal(("Dr flow.dana", "flow.dana", "flow.dana@clinic.example", "1245319599"),
            (claims["name"]!.GetValue<string>(), claims["preferred_username"]!.GetValue<string>(), claims["email"]!.GetValue<string>(), claims["npi"]!.GetValue<string>()));
        Assert.False(claims["email_verified"]!.GetValue<bool>());
        Assert.Equal(["pwd"], claims["amr"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(OpenIdClaims.SingleFactorAcr, claims["acr"]!.GetValue<string>());
        Assert.InRange(claims["auth_time"]!.GetValue<long>(), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.False(string.IsNullOrEmpty(claims["sid"]!.GetValue<string>()));
        Assert.Null(claims[OpenIdClaims.SessionClaim]);
        var practice = Assert.Single(claims["practices"]!.AsArray())!;
        Assert.Equal("flow-a", practice["slug"]!.GetValue<string>());
        Assert.Equal(["Provider", "PracticeAdmin"], practice["roles"]!.AsArray().Select(r => r!.GetValue<string>()));

        var userinfo = (await rp.MustAsync(new { cmd = "userinfo" }))["userinfo"]!;
        Assert.Equal((member.Id.ToString(), "flow.dana", "flow-a"),
            (userinfo["sub"]!.GetValue<string>(), userinfo["preferred_username"]!.GetValue<string>(), userinfo["practices"]![0]!["slug"]!.GetValue<string>()));

        var firstRefresh = tokens["refresh_token"]!.GetValue<string>();
        var refreshed = await rp.MustAsync(new { cmd = "refresh", refreshToken = firstRefresh });
        var secondRefresh = refreshed["refresh_token"]!.GetValue<string>();
        Assert.NotEqual(firstRefresh, secondRefresh);
        Assert.Equal(member.Id.ToString(), refreshed["claims"]!["sub"]!.GetValue<string>());

        var access = refreshed["access_token"]!.GetValue<string>();
        Assert.True((await rp.MustAsync(new { cmd = "introspect", token = access }))["introspection"]!["active"]!.GetValue<bool>());
        await rp.MustAsync(new { cmd = "revoke", token = secondRefresh });
        var afterRevoke = await rp.SendAsync(new { cmd = "refresh", refreshToken = secondRefresh });
        Assert.Equal("invalid_grant", afterRevoke["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task CodeFlow_PublicClient_SignsInWithPkceAlone()
    {
        var member = await App.CreateMemberAsync("flow-pub", "flow.pat");
        Assert.Null(await App.AddClientAsync("portal-spa", ["flow-pub"], isPublic: true, scopes: "openid profile"));
        await using var rp = await RelyingParty.StartAsync();
        using var browser = App.CreateRealBrowser();

        await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "portal-spa" });
        var authorize = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid profile" });
        var callback = await OidcFixture.SignInThroughAsync(browser, authorize["url"]!.GetValue<string>(), "flow.pat");
        var tokens = await rp.MustAsync(new { cmd = "callback", url = callback.ToString() });

        Assert.Equal(member.Id.ToString(), tokens["claims"]!["sub"]!.GetValue<string>());
        Assert.Null(tokens["claims"]!["email"]);
        Assert.Null(tokens["claims"]!["practices"]);
    }

    [Fact]
    public async Task Authorize_SessionAlreadyLive_ReturnsToPortalWithoutSignInPage()
    {
        await App.CreateMemberAsync("flow-sso", "flow.sam");
        var secret = await App.AddClientAsync("portal-again", ["flow-sso"]);
        await using var rp = await RelyingParty.StartAsync();
        using var browser = App.CreateRealBrowser();
        await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "portal-again", clientSecret = secret });
        var first = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid" });
        await rp.MustAsync(new { cmd = "callback", url = (await OidcFixture.SignInThroughAsync(browser, first["url"]!.GetValue<string>(), "flow.sam")).ToString() });

        var second = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid", extra = new { prompt = "none" } });
        var callback = await OidcFixture.FollowAuthorizeAsync(browser, second["url"]!.GetValue<string>());

        Assert.True((await rp.MustAsync(new { cmd = "callback", url = callback.ToString() }))["access_token"] is not null);
    }

    [Fact]
    public async Task PromptNone_WithoutSession_LoginRequiredWithTraceIdAndEvent()
    {
        await App.CreateMemberAsync("flow-none", "flow.nia");
        var secret = await App.AddClientAsync("portal-silent", ["flow-none"]);
        await using var rp = await RelyingParty.StartAsync();
        using var browser = App.CreateRealBrowser();
        await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "portal-silent", clientSecret = secret });
        var authorize = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid", extra = new { prompt = "none" } });

        var callback = await OidcFixture.FollowAuthorizeAsync(browser, authorize["url"]!.GetValue<string>());

        var error = OidcFixture.QueryOf(callback);
        Assert.Equal("login_required", error["error"]);
        var recorded = await fixture.EventOfErrorAsync(error);
        Assert.Equal(ReasonCodes.OidcLoginRequired, recorded.ReasonCode);
        Assert.Contains("no live Signpost session", recorded.Detail, StringComparison.Ordinal);
        var answer = await rp.SendAsync(new { cmd = "callback", url = callback.ToString() });
        Assert.Equal("login_required", answer["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientCredentials_OnlyForClientsRegisteredForIt()
    {
        await App.CreateMemberAsync("flow-cc", "flow.cc");
        var machine = await App.AddClientAsync("portal-machine", ["flow-cc"], clientCredentials: true);
        var person = await App.AddClientAsync("portal-person", ["flow-cc"]);
        using var http = App.CreateBackChannel();

        using var allowed = await http.PostAsync(new Uri("connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "portal-machine", ["client_secret"] = machine!,
        }));
        using var refused = await http.PostAsync(new Uri("connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "portal-person", ["client_secret"] = person!,
        }));

        Assert.Equal(System.Net.HttpStatusCode.OK, allowed.StatusCode);
        Assert.NotNull(JsonNode.Parse(await allowed.Content.ReadAsStringAsync())!["access_token"]);
        var error = await OidcFixture.JsonErrorAsync(refused);
        Assert.Equal("unauthorized_client", error["error"]);
        Assert.Equal(ReasonCodes.OidcRequestRefused, (await fixture.EventOfErrorAsync(error)).ReasonCode);
    }

    [Fact]
    public async Task SignOutAtSignpost_EndsThePortalsRefreshAndUserInfo()
    {
        await App.CreateMemberAsync("flow-out", "flow.olga");
        var secret = await App.AddClientAsync("portal-out", ["flow-out"]);
        await using var rp = await RelyingParty.StartAsync();
        using var browser = App.CreateRealBrowser();
        await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "portal-out", clientSecret = secret });
        var authorize = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid offline_access" });
        await rp.MustAsync(new { cmd = "callback", url = (await OidcFixture.SignInThroughAsync(browser, authorize["url"]!.GetValue<string>(), "flow.olga")).ToString() });

        var signOut = await browser.OpenFormAsync("/sign-out");
        using var signedOut = await browser.SubmitAsync(signOut);
        var refresh = await rp.SendAsync(new { cmd = "refresh" });

        Assert.Equal(System.Net.HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("invalid_grant", refresh["error"]!.GetValue<string>());
        var events = await App.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.SignInEvents.Where(e => e.ReasonCode == ReasonCodes.OidcGrantInvalid && e.Identifier == "flow.olga")));
        Assert.Contains(events, e => e.Detail!.Contains("session has ended", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EndSession_RegisteredAddress_SignsOutAndReturnsToPortal()
    {
        const string signedOutPage = "http://127.0.0.1:9/portal/signed-out";
        await App.CreateMemberAsync("flow-end", "flow.eve");
        var secret = await App.AddClientAsync("portal-end", ["flow-end"], postLogout: [signedOutPage]);
        await App.AddClientAsync("portal-other", ["flow-end"], postLogout: ["http://127.0.0.1:9/other/signed-out"]);
        await using var rp = await RelyingParty.StartAsync();
        using var browser = App.CreateRealBrowser();
        await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "portal-end", clientSecret = secret });
        var authorize = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid offline_access" });
        await rp.MustAsync(new { cmd = "callback", url = (await OidcFixture.SignInThroughAsync(browser, authorize["url"]!.GetValue<string>(), "flow.eve")).ToString() });

        // An open redirect through post_logout_redirect_uri, and another client's registered address: both refused.
        foreach (var hostile in new[] { "https://attacker.example/", "http://127.0.0.1:9/other/signed-out" })
        {
            var forged = await rp.MustAsync(new { cmd = "endSession", postLogoutRedirectUri = hostile });
            using var refused = await browser.Http.GetAsync(new Uri(forged["url"]!.GetValue<string>()));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Null(refused.Headers.Location);
            var recorded = await App.EventAsync(refused.Headers.GetValues("X-Trace-Id").Single());
            Assert.Equal(Signpost.Core.Events.SignInMethod.OpenIdClient, recorded.Method);
        }

        var end = await rp.MustAsync(new { cmd = "endSession", postLogoutRedirectUri = signedOutPage });
        using var response = await browser.Http.GetAsync(new Uri(end["url"]!.GetValue<string>()));

        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(signedOutPage, response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal("invalid_grant", (await rp.SendAsync(new { cmd = "refresh" }))["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("prompt", "login")]
    [InlineData("max_age", "0")]
    public async Task Authorize_FreshSignInAsked_LiveSessionSentToSignInAgainThenBackToPortal(string parameter, string value)
    {
        var username = "flow.fresh." + parameter.Replace("_", "", StringComparison.Ordinal);
        await App.CreateMemberAsync("flow-fresh-" + parameter.Replace("_", "", StringComparison.Ordinal), username);
        var clientId = "portal-fresh-" + parameter.Replace("_", "", StringComparison.Ordinal);
        var secret = await App.AddClientAsync(clientId, ["flow-fresh-" + parameter.Replace("_", "", StringComparison.Ordinal)]);
        await using var rp = await RelyingParty.StartAsync();
        using var browser = App.CreateRealBrowser();
        await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId, clientSecret = secret });
        var first = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid" });
        var firstTokens = await rp.MustAsync(new { cmd = "callback", url = (await OidcFixture.SignInThroughAsync(browser, first["url"]!.GetValue<string>(), username)).ToString() });
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // auth_time counts whole seconds

        var again = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid", extra = new Dictionary<string, string> { [parameter] = value } });
        var callback = await OidcFixture.SignInThroughAsync(browser, again["url"]!.GetValue<string>(), username);
        var tokens = await rp.MustAsync(new { cmd = "callback", url = callback.ToString() });

        Assert.True(tokens["claims"]!["auth_time"]!.GetValue<long>() > firstTokens["claims"]!["auth_time"]!.GetValue<long>());
        Assert.NotEqual(firstTokens["claims"]!["sid"]!.GetValue<string>(), tokens["claims"]!["sid"]!.GetValue<string>());
    }
}

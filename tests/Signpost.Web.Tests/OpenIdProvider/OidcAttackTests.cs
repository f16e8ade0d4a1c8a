using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Signpost.Core.Reasons;
using Signpost.Web.OpenIdProvider;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>
/// What a hostile page, a stolen code or a leaked token can try against the provider: each is refused with an
/// OAuth error carrying the trace ID, and leaves a sign-in event with the reason support reads.
/// </summary>
public sealed class OidcAttackTests(OidcFixture fixture) : IClassFixture<OidcFixture>
{
    private OidcApp App => fixture.App;

    private static Dictionary<string, string> Authorization(string clientId, string redirectUri = OidcApp.Callback, string? challengeMethod = "S256") => new()
    {
        ["client_id"] = clientId,
        ["redirect_uri"] = redirectUri,
        ["response_type"] = "code",
        ["scope"] = "openid",
        ["state"] = "s1",
        ["nonce"] = "n1",
        // A valid S256 challenge (of the RFC 7636 appendix B verifier), unless the test leaves it out.
        ["code_challenge"] = challengeMethod is null ? "" : "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        ["code_challenge_method"] = challengeMethod ?? "",
    };

    private static string AuthorizeUrl(Dictionary<string, string> parameters) =>
        QueryHelpers.AddQueryString("/connect/authorize", parameters.Where(p => p.Value.Length > 0).ToDictionary(p => p.Key, p => (string?)p.Value));

    [Theory]
    [InlineData("http://127.0.0.1:9/portal/callback/")]
    [InlineData("http://127.0.0.1:9/portal/callback?next=/")]
    [InlineData("http://127.0.0.1:9/portal/CALLBACK")]
    [InlineData("https://attacker.example/portal/callback")]
    public async Task Authorize_RedirectUriNotRegisteredExactly_RefusedOnSignpostWithEvent(string redirectUri)
    {
        await App.CreateMemberAsync("atk-redirect", "atk.redirect" + Math.Abs(redirectUri.GetHashCode(StringComparison.Ordinal)));
        var clientId = "portal-redir-" + Math.Abs(redirectUri.GetHashCode(StringComparison.Ordinal));
        await App.AddClientAsync(clientId, ["atk-redirect"]);
        using var browser = App.CreateRealBrowser();

        using var response = await browser.Http.GetAsync(new Uri(AuthorizeUrl(Authorization(clientId, redirectUri)), UriKind.Relative));

        // Never sent to the unregistered address: the error is shown by Signpost itself.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var traceId = response.Headers.GetValues("X-Trace-Id").Single();
        Assert.Contains(traceId, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var recorded = await App.EventAsync(traceId);
        Assert.Equal(ReasonCodes.OidcRedirectUriMismatch, recorded.ReasonCode);
        Assert.Contains(redirectUri, recorded.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/connect/authorize")]
    [InlineData("/CONNECT/Authorize")]
    [InlineData("/connect/authoriz%65")]
    public async Task SignIn_ReturnUrlToAuthorizeWithUnregisteredRedirect_HandOffPageThenRefusedOnSignpost(string path)
    {
        // A hostile link sends the person to the sign-in page with a returnUrl of its own making. The hand-off page
        // only ever names a local address; the authorization endpoint then refuses the unregistered redirect_uri.
        var username = "atk.handoff" + Math.Abs(path.GetHashCode(StringComparison.Ordinal));
        await App.CreateMemberAsync("atk-handoff", username);
        await App.AddClientAsync("portal-handoff-" + Math.Abs(path.GetHashCode(StringComparison.Ordinal)), ["atk-handoff"]);
        using var browser = App.CreateRealBrowser();
        var returnUrl = path + new Uri("http://x" + AuthorizeUrl(Authorization("portal-handoff-" + Math.Abs(path.GetHashCode(StringComparison.Ordinal)),
            "https://attacker.example/portal/callback"))).Query;

        var form = await browser.OpenFormAsync("/o/atk-handoff?returnUrl=" + Uri.EscapeDataString(returnUrl));
        using var posted = await browser.SubmitAsync(form, [new("identifier", username), new("password", Infrastructure.TestAccounts.Password)]);
        var html = await posted.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Null(posted.Headers.Location);
        Assert.Contains($"content=\"0;url={System.Text.Encodings.Web.HtmlEncoder.Default.Encode(returnUrl)}\"", html, StringComparison.Ordinal);

        using var response = await browser.Http.GetAsync(new Uri(returnUrl, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var recorded = await App.EventAsync(response.Headers.GetValues("X-Trace-Id").Single());
        Assert.Equal(ReasonCodes.OidcRedirectUriMismatch, recorded.ReasonCode);
    }

    [Theory]
    [InlineData("/connect/authorize", true)]
    [InlineData("/connect/authorize?client_id=a", true)]
    [InlineData("/Connect/Authorize/?client_id=a", true)]
    [InlineData("/connect%2Fauthorize", true)]
    [InlineData("/connect/authorize-not", false)]
    [InlineData("/connect/endsession?x=/connect/authorize", false)]
    [InlineData("/o/riverside#/connect/authorize", false)]
    public void HandOff_IsForTheAuthorizationEndpointOnly(string target, bool expected) =>
        Assert.Equal(expected, AuthorizeHandoff.IsAuthorizeRequest(target));

    [Theory]
    [InlineData("/")]
    [InlineData("/account/sessions")]
    [InlineData("/connect/token")]
    public async Task SignIn_ReturnUrlElsewhere_PlainRedirectAsBefore(string returnUrl)
    {
        var username = "atk.plain" + Math.Abs(returnUrl.GetHashCode(StringComparison.Ordinal));
        await App.CreateMemberAsync("atk-handoff", username);
        using var browser = App.CreateRealBrowser();

        var form = await browser.OpenFormAsync("/o/atk-handoff?returnUrl=" + Uri.EscapeDataString(returnUrl));
        using var posted = await browser.SubmitAsync(form, [new("identifier", username), new("password", Infrastructure.TestAccounts.Password)]);

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal(returnUrl, posted.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Authorize_UnknownClient_RefusedOnSignpostWithEvent()
    {
        using var browser = App.CreateRealBrowser();

        using var response = await browser.Http.GetAsync(new Uri(AuthorizeUrl(Authorization("no-such-portal")), UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var recorded = await App.EventAsync(response.Headers.GetValues("X-Trace-Id").Single());
        Assert.Equal(ReasonCodes.OidcClientUnknown, recorded.ReasonCode);
        Assert.Contains("no-such-portal", recorded.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("plain")]
    public async Task Authorize_PkceMissingOrPlain_RefusedWithEvent(string? method)
    {
        var clientId = "portal-pkce-" + (method ?? "none");
        await App.CreateMemberAsync("atk-pkce-" + (method ?? "none"), "atk.pkce." + (method ?? "none"));
        await App.AddClientAsync(clientId, ["atk-pkce-" + (method ?? "none")]);
        using var browser = App.CreateRealBrowser();
        var parameters = Authorization(clientId, challengeMethod: method);
        if (method == "plain")
        {
            parameters["code_challenge"] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        }

        using var response = await browser.Http.GetAsync(new Uri(AuthorizeUrl(parameters), UriKind.Relative));

        // Refused on Signpost's side, before any sign-in: the error and the trace ID are on the answer.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("error:invalid_request", body, StringComparison.Ordinal);
        Assert.Contains("code_challenge", body, StringComparison.Ordinal);
        var recorded = await App.EventAsync(response.Headers.GetValues("X-Trace-Id").Single());
        Assert.Contains("signpost_trace_id:" + recorded.TraceId, body, StringComparison.Ordinal);
        Assert.Equal(ReasonCodes.OidcRequestRefused, recorded.ReasonCode);
    }

    [Fact]
    public async Task Authorize_PracticeNotAllowedForClient_AccessDeniedWithEvent()
    {
        await App.CreateMemberAsync("atk-allowed", "atk.allowed");
        await App.CreateMemberAsync("atk-other", "atk.other");
        await App.AddClientAsync("portal-one-practice", ["atk-allowed"]);
        using var browser = App.CreateRealBrowser();
        var parameters = Authorization("portal-one-practice");
        parameters["org"] = "atk-other";

        var callback = await OidcFixture.FollowAuthorizeAsync(browser, AuthorizeUrl(parameters));

        var error = OidcFixture.QueryOf(callback);
        Assert.Equal("access_denied", error["error"]);
        var recorded = await fixture.EventOfErrorAsync(error);
        Assert.Equal(ReasonCodes.OidcPracticeNotAllowed, recorded.ReasonCode);
        Assert.NotNull(recorded.OrganizationId);
    }

    [Fact]
    public async Task Token_CodeReplayed_RefusedAndTokensFromItRevoked()
    {
        await App.CreateMemberAsync("atk-replay", "atk.replay");
        var secret = await App.AddClientAsync("portal-replay", ["atk-replay"]);
        await using var rp = await RelyingParty.StartAsync();
        using var browser = App.CreateRealBrowser();
        await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "portal-replay", clientSecret = secret });
        var authorize = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid offline_access" });
        var callback = await OidcFixture.SignInThroughAsync(browser, authorize["url"]!.GetValue<string>(), "atk.replay");
        var tokens = await rp.MustAsync(new { cmd = "callback", url = callback.ToString() });
        using var http = App.CreateBackChannel();

        using var replay = await http.PostAsync(new Uri("connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = OidcFixture.QueryOf(callback)["code"],
            ["redirect_uri"] = OidcApp.Callback,
            ["code_verifier"] = authorize["verifier"]!.GetValue<string>(),
            ["client_id"] = "portal-replay",
            ["client_secret"] = secret!,
        }));

        var error = await OidcFixture.JsonErrorAsync(replay);
        Assert.Equal("invalid_grant", error["error"]);
        var recorded = await fixture.EventOfErrorAsync(error);
        Assert.True(recorded.ReasonCode == ReasonCodes.OidcGrantReplayed, recorded.Detail);
        // RFC 6749 §4.1.2: the tokens already issued from that code are revoked.
        Assert.False((await rp.MustAsync(new { cmd = "introspect", token = tokens["access_token"]!.GetValue<string>() }))["introspection"]!["active"]!.GetValue<bool>());
        Assert.Equal("invalid_grant", (await rp.SendAsync(new { cmd = "refresh" }))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_WrongClientSecret_InvalidClientWithEvent()
    {
        await App.CreateMemberAsync("atk-secret", "atk.secret");
        await App.AddClientAsync("portal-secret", ["atk-secret"]);
        using var http = App.CreateBackChannel();

        using var response = await http.PostAsync(new Uri("connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = "anything",
            ["redirect_uri"] = OidcApp.Callback,
            ["code_verifier"] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            ["client_id"] = "portal-secret",
            ["client_secret"] = "not-the-secret",
        }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await OidcFixture.JsonErrorAsync(response);
        Assert.Equal("invalid_client", error["error"]);
        Assert.Equal(ReasonCodes.OidcClientAuthenticationFailed, (await fixture.EventOfErrorAsync(error)).ReasonCode);
    }

    [Fact]
    public async Task Token_RefreshTokenReused_RefusedAndTheFamilyRevoked()
    {
        await App.CreateMemberAsync("atk-reuse", "atk.reuse");
        var secret = await App.AddClientAsync("portal-reuse", ["atk-reuse"]);
        await using var rp = await RelyingParty.StartAsync();
        using var browser = App.CreateRealBrowser();
        await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "portal-reuse", clientSecret = secret });
        var authorize = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid offline_access" });
        var tokens = await rp.MustAsync(new { cmd = "callback", url = (await OidcFixture.SignInThroughAsync(browser, authorize["url"]!.GetValue<string>(), "atk.reuse")).ToString() });
        var stolen = tokens["refresh_token"]!.GetValue<string>();
        var rotated = (await rp.MustAsync(new { cmd = "refresh", refreshToken = stolen }))["refresh_token"]!.GetValue<string>();
        using var http = App.CreateBackChannel();

        using var reuse = await http.PostAsync(new Uri("connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = stolen, ["client_id"] = "portal-reuse", ["client_secret"] = secret!,
        }));

        var error = await OidcFixture.JsonErrorAsync(reuse);
        Assert.Equal("invalid_grant", error["error"]);
        Assert.Equal(ReasonCodes.OidcGrantReplayed, (await fixture.EventOfErrorAsync(error)).ReasonCode);
        // The legitimate holder's newer token goes too: the thief may hold it as well (RFC 9700 §4.14.2).
        Assert.Equal("invalid_grant", (await rp.SendAsync(new { cmd = "refresh", refreshToken = rotated }))["error"]!.GetValue<string>());
    }
}

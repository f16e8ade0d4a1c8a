using System.Net;
using System.Web;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Web.Sso;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso;

/// <summary>One app for the class; every test has its own hostile provider and practice.</summary>
public sealed class SsoAppFixture : IAsyncLifetime
{
    public SsoApp App { get; } = new();

    public ValueTask InitializeAsync()
    {
        _ = App.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// The attack catalogue: ID tokens and authorization responses a hostile provider or a man in the middle
/// could produce, each refused with the right reason code, the failed check as evidence, the connection's ID
/// on the event, and no Signpost session.
/// </summary>
public sealed class SsoAttackTests(SsoAppFixture fixture) : IClassFixture<SsoAppFixture>
{
    private SsoApp App => fixture.App;

    [Theory]
    [InlineData("alg-none", ReasonCodes.SsoSignatureInvalid, "signature")]
    [InlineData("rs256-unsigned", ReasonCodes.SsoSignatureInvalid, "signature")]
    [InlineData("forged-signature", ReasonCodes.SsoSignatureInvalid, "signature")]
    [InlineData("hs256-pubkey", ReasonCodes.SsoSignatureInvalid, "")]
    [InlineData("wrong-iss", ReasonCodes.SsoTokenInvalid, "iss")]
    [InlineData("missing-iss", ReasonCodes.SsoTokenInvalid, "iss")]
    [InlineData("wrong-aud", ReasonCodes.SsoTokenInvalid, "aud")]
    [InlineData("missing-aud", ReasonCodes.SsoTokenInvalid, "aud")]
    [InlineData("expired", ReasonCodes.SsoTokenInvalid, "exp")]
    [InlineData("no-nonce", ReasonCodes.SsoTokenInvalid, "nonce")]
    public async Task Callback_CraftedIdToken_IsRejectedWithItsReason(string token, string code, string evidence)
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("attack");
        var connection = await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        await App.CreateMemberAsync(slug, $"victim@{slug}.example");
        await provider.SetAsync(("token", token), ("email", $"victim@{slug}.example"));
        using var browser = App.CreateBrowser();

        var authorize = await SsoApp.StartAsync(browser, slug);
        using var response = await SsoApp.CallbackAsync(browser, await SsoApp.AtProviderAsync(authorize));

        var recorded = await AssertRejectedAsync(browser, response, code, connection.Id);
        Assert.StartsWith(evidence, recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_ValidToken_SignsIn_SoTheCatalogueFailsForItsOwnReasons()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("control");
        await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync(slug, $"victim@{slug}.example");
        await provider.SetAsync(("email", $"victim@{slug}.example"));
        using var browser = App.CreateBrowser();

        var authorize = await SsoApp.StartAsync(browser, slug);
        var query = HttpUtility.ParseQueryString(authorize.Query);
        Assert.Equal(("S256", "code"), (query["code_challenge_method"], query["response_type"]));
        Assert.False(string.IsNullOrEmpty(query["nonce"]) || string.IsNullOrEmpty(query["state"]));
        using var response = await SsoApp.CallbackAsync(browser, await SsoApp.AtProviderAsync(authorize));

        var recorded = await App.EventOfAsync(response);
        Assert.Equal((ReasonCodes.SignedIn, member.Id), (recorded.ReasonCode, recorded.AccountId));
    }

    [Fact]
    public async Task Callback_TokenSignedWithUnknownKid_RefetchesKeysOnceThenRejects()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("kid");
        var connection = await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        await provider.SetAsync(("token", "unknown-kid"));
        using var browser = App.CreateBrowser();
        var authorize = await SsoApp.StartAsync(browser, slug);
        var callback = await SsoApp.AtProviderAsync(authorize);
        var before = await provider.StatsAsync();

        using var response = await SsoApp.CallbackAsync(browser, callback);

        var recorded = await AssertRejectedAsync(browser, response, ReasonCodes.SsoSignatureInvalid, connection.Id);
        Assert.StartsWith("kid", recorded.Detail, StringComparison.Ordinal);
        // Exactly one refetch, however long we wait (the refresh may complete in the background).
        var deadline = DateTime.UtcNow.AddSeconds(3);
        var after = await provider.StatsAsync();
        while (after.Jwks == before.Jwks && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            after = await provider.StatsAsync();
        }

        await Task.Delay(300);
        Assert.Equal(1, (await provider.StatsAsync()).Jwks - before.Jwks);

        // A second forged token within the refresh interval costs the provider nothing more.
        var again = await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, slug));
        using var second = await SsoApp.CallbackAsync(browser, again);
        await AssertRejectedAsync(browser, second, ReasonCodes.SsoSignatureInvalid, connection.Id);
        await Task.Delay(300);
        Assert.Equal(1, (await provider.StatsAsync()).Jwks - before.Jwks);
    }

    [Fact]
    public async Task Callback_AfterProviderRotatedItsKey_RefetchesKeysOnceAndSignsIn()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("rotate");
        await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        var member = await App.CreateMemberAsync(slug, $"victim@{slug}.example");
        await provider.SetAsync(("email", $"victim@{slug}.example"));
        using (var first = App.CreateBrowser())
        {
            using var before = await SsoApp.CallbackAsync(first, await SsoApp.AtProviderAsync(await SsoApp.StartAsync(first, slug)));
            Assert.Equal(ReasonCodes.SignedIn, (await App.EventOfAsync(before)).ReasonCode);
        }

        await provider.SetAsync(("jwks", "rotated"), ("token", "rotated"));
        using var browser = App.CreateBrowser();
        var callback = await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, slug));
        var stats = await provider.StatsAsync();

        using var response = await SsoApp.CallbackAsync(browser, callback);

        var recorded = await App.EventOfAsync(response);
        Assert.Equal((ReasonCodes.SignedIn, member.Id), (recorded.ReasonCode, recorded.AccountId));
        Assert.NotNull(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        await Task.Delay(300);
        Assert.Equal(1, (await provider.StatsAsync()).Jwks - stats.Jwks);
    }

    [Fact]
    public async Task Callback_NonceOfAnotherBrowsersSignIn_IsRejectedAsReplay()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("replay");
        var connection = await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        using var victim = App.CreateBrowser();
        var earlier = HttpUtility.ParseQueryString((await SsoApp.StartAsync(victim, slug)).Query)["nonce"]!;
        await provider.SetAsync(("forceNonce", earlier));
        using var browser = App.CreateBrowser();

        var authorize = await SsoApp.StartAsync(browser, slug);
        using var response = await SsoApp.CallbackAsync(browser, await SsoApp.AtProviderAsync(authorize));

        var recorded = await AssertRejectedAsync(browser, response, ReasonCodes.SsoTokenInvalid, connection.Id);
        Assert.StartsWith("nonce", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_StateChanged_IsRejected()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("state");
        var connection = await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        using var browser = App.CreateBrowser();
        var callback = await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, slug));
        var query = HttpUtility.ParseQueryString(callback.Query);
        query["state"] = "tampered" + query["state"]![8..];

        using var response = await browser.GetAsync($"{callback.AbsolutePath}?{query}");

        var recorded = await AssertRejectedAsync(browser, response, ReasonCodes.SsoTokenInvalid, connection.Id);
        Assert.StartsWith("state", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_InAnotherBrowser_IsRejected()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("other");
        var connection = await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        using var started = App.CreateBrowser();
        using var other = App.CreateBrowser();
        var callback = await SsoApp.AtProviderAsync(await SsoApp.StartAsync(started, slug));

        using var response = await SsoApp.CallbackAsync(other, callback);

        var recorded = await AssertRejectedAsync(other, response, ReasonCodes.SsoTokenInvalid, connection.Id);
        Assert.StartsWith("state", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_ReplayedAfterSuccess_IsRejected()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("again");
        var connection = await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        await App.CreateMemberAsync(slug, $"victim@{slug}.example");
        await provider.SetAsync(("email", $"victim@{slug}.example"));
        using var browser = App.CreateBrowser();
        var callback = await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, slug));
        using var first = await SsoApp.CallbackAsync(browser, callback);
        Assert.Equal(ReasonCodes.SignedIn, (await App.EventOfAsync(first)).ReasonCode);
        using var attacker = App.CreateBrowser();

        using var replay = await SsoApp.CallbackAsync(attacker, callback);

        await AssertRejectedAsync(attacker, replay, ReasonCodes.SsoTokenInvalid, connection.Id);
    }

    [Fact]
    public async Task Callback_AccessDenied_IsCancelledWithAClearMessage()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("denied");
        var connection = await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        await provider.SetAsync(("authError", "access_denied"));
        using var browser = App.CreateBrowser();

        using var response = await SsoApp.CallbackAsync(browser, await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, slug)));

        var recorded = await AssertRejectedAsync(browser, response, ReasonCodes.SsoCancelled, connection.Id);
        Assert.Contains("access_denied", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callback_ResponseFromAnotherProvider_IsRejectedByTheIssCheck()
    {
        await using var honest = await TestProvider.StartHostileAsync();
        await using var mixer = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("mixup");
        var connection = await App.CreateConnectionAsync(slug, honest.DiscoveryUrl);
        await App.CreateConnectionAsync(TestAccounts.Unique("mixer"), mixer.DiscoveryUrl);
        using var browser = App.CreateBrowser();
        var authorize = await SsoApp.StartAsync(browser, slug);

        // The attacker's provider answers the request meant for the honest one (RFC 9207 §2's mix-up).
        var mixed = await SsoApp.AtProviderAsync(new Uri(mixer.Issuer + "/authorize" + authorize.Query));
        using var response = await SsoApp.CallbackAsync(browser, mixed);

        var recorded = await AssertRejectedAsync(browser, response, ReasonCodes.SsoTokenInvalid, connection.Id);
        Assert.StartsWith("iss", recorded.Detail, StringComparison.Ordinal);
        Assert.Equal(0, (await honest.StatsAsync()).Token);
        Assert.Equal(0, (await mixer.StatsAsync()).Token);
    }

    [Fact]
    public async Task Callback_WithoutIssFromProviderThatAdvertisesIt_IsRejected()
    {
        await using var provider = await TestProvider.StartHostileAsync();
        var slug = TestAccounts.Unique("noiss");
        var connection = await App.CreateConnectionAsync(slug, provider.DiscoveryUrl);
        await provider.SetAsync(("respIss", "missing"));
        using var browser = App.CreateBrowser();

        using var response = await SsoApp.CallbackAsync(browser, await SsoApp.AtProviderAsync(await SsoApp.StartAsync(browser, slug)));

        var recorded = await AssertRejectedAsync(browser, response, ReasonCodes.SsoTokenInvalid, connection.Id);
        Assert.StartsWith("iss", recorded.Detail, StringComparison.Ordinal);
    }

    private async Task<SignInEvent> AssertRejectedAsync(TestBrowser browser, HttpResponseMessage response, string code, Guid connectionId)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(SsoSignIn.FailedPath + "?trace=", location, StringComparison.Ordinal);
        var recorded = await App.EventOfAsync(response);
        Assert.True(recorded.ReasonCode == code, $"Expected {code}, recorded {recorded.ReasonCode}: {recorded.Detail}");
        Assert.Equal((SignInMethod.Sso, code, connectionId.ToString(), false, null as Guid?),
            (recorded.Method, recorded.ReasonCode, recorded.SsoConnectionId, recorded.Succeeded, recorded.AccountId));
        Assert.Null(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        var (page, document) = await browser.GetPageAsync(location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(code, PageFailure.Read(document).Code);
        return recorded;
    }
}

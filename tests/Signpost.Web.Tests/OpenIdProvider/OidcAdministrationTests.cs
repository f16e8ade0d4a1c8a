using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore.Models;
using Signpost.Core.Reasons;
using Signpost.Web.OpenIdProvider;
using Signpost.Web.Tests.Cli;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>
/// <c>signpost clients …</c> and <c>signpost keys …</c> against the database of a running provider: what the
/// command line changes is what the provider then honours, and every change is in the audit trail.
/// </summary>
public sealed class OidcAdministrationTests(OidcFixture fixture) : IClassFixture<OidcFixture>
{
    private OidcApp App => fixture.App;

    private Task<CliRun> RunAsync(params string[] args) => SignpostCommand.RunAsync(App.ConnectionString, App.Folder, null, args);

    [Fact]
    public async Task Clients_AddRotateRemove_SecretShownOnceStoredHashedEveryChangeAudited()
    {
        await App.CreateMemberAsync("cli-clinic", "cli.carla");

        var added = await RunAsync("clients", "add", "--client-id", "cli-portal", "--name", "Claims portal", "--redirect-uri", OidcApp.Callback,
            "--practice", "cli-clinic", "--scopes", "openid profile practices");

        Assert.True(added.ExitCode == 0, added.ToString());
        var secret = added.Stdout.Trim();
        Assert.True(secret.Length >= 43, added.ToString());
        var stored = await App.WithDbAsync(db => db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking().SingleAsync(a => a.ClientId == "cli-portal"));
        Assert.DoesNotContain(secret, stored.ClientSecret!, StringComparison.Ordinal);
        var shown = await RunAsync("clients", "show", "--client-id", "cli-portal");
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("practices: cli-clinic", shown.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, shown.Stdout + shown.Stderr, StringComparison.Ordinal);
        var created = await App.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "oidc_client.create" && e.TargetId == "cli-portal"));
        Assert.StartsWith("cli:", created.Actor, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, created.After!, StringComparison.Ordinal);

        // The printed secret is the one the provider accepts: a whole sign-in with it.
        await using (var rp = await RelyingParty.StartAsync())
        {
            using var browser = App.CreateRealBrowser();
            await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "cli-portal", clientSecret = secret });
            var authorize = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid profile practices" });
            var tokens = await rp.MustAsync(new { cmd = "callback", url = (await OidcFixture.SignInThroughAsync(browser, authorize["url"]!.GetValue<string>(), "cli.carla")).ToString() });
            Assert.Equal("cli-clinic", tokens["claims"]!["practices"]![0]!["slug"]!.GetValue<string>());
        }

        var rotated = await RunAsync("clients", "rotate-secret", "--client-id", "cli-portal");
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        var newSecret = rotated.Stdout.Trim();
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync("cli-portal", secret));
        Assert.Equal(HttpStatusCode.BadRequest, await TokenStatusAsync("cli-portal", newSecret)); // authenticated; the code is what is wrong
        Assert.True(await App.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "oidc_client.secret_rotated" && e.TargetId == "cli-portal")));

        var removed = await RunAsync("clients", "remove", "--client-id", "cli-portal");
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Equal(1, (await RunAsync("clients", "show", "--client-id", "cli-portal")).ExitCode);
        Assert.True(await App.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "oidc_client.remove" && e.TargetId == "cli-portal")));
        using var browserAfter = App.CreateRealBrowser();
        using var refused = await browserAfter.Http.GetAsync(new Uri($"connect/authorize?client_id=cli-portal&response_type=code&scope=openid&redirect_uri={Uri.EscapeDataString(OidcApp.Callback)}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256", UriKind.Relative));
        Assert.Equal(ReasonCodes.OidcClientUnknown, (await App.EventAsync(refused.Headers.GetValues("X-Trace-Id").Single())).ReasonCode);
    }

    [Fact]
    public async Task Clients_Add_RefusesWildcardsPlainHttpAndUnknownPractices()
    {
        var wildcard = await RunAsync("clients", "add", "--client-id", "bad-1", "--redirect-uri", "https://*.portal.example/cb", "--all-practices");
        var plain = await RunAsync("clients", "add", "--client-id", "bad-2", "--redirect-uri", "http://portal.example/cb", "--all-practices");
        var practice = await RunAsync("clients", "add", "--client-id", "bad-3", "--redirect-uri", "https://portal.example/cb", "--practice", "no-such-practice");

        Assert.Equal((1, 1, 1), (wildcard.ExitCode, plain.ExitCode, practice.ExitCode));
        Assert.Contains("https", plain.Stderr, StringComparison.Ordinal);
        Assert.Contains("no-such-practice", practice.Stderr, StringComparison.Ordinal);
        Assert.False(await App.WithDbAsync(db => db.Set<OpenIddictEntityFrameworkCoreApplication>().AnyAsync(a => a.ClientId!.StartsWith("bad-"))));
    }

    [Fact]
    public async Task Keys_Rotate_NewKeySignsAndTheOldOneStaysPublished()
    {
        await App.CreateMemberAsync("key-clinic", "key.kim");
        var secret = await App.AddClientAsync("portal-keys", ["key-clinic"]);
        var before = await SignInKidAsync(secret!);

        var rotated = await RunAsync("keys", "rotate", "--use", "signing");
        // The node's periodic look at the key table (ProviderKeyWatcher), run now rather than waited for.
        var noticed = await App.Services.GetRequiredService<ProviderKeyWatcher>().CheckAsync(CancellationToken.None);

        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.True(noticed);
        var newKid = rotated.Stdout.Split('\t')[0].Trim();
        using var http = App.CreateBackChannel();
        var published = JsonNode.Parse(await http.GetStringAsync(new Uri(".well-known/jwks", UriKind.Relative)))!["keys"]!.AsArray()
            .Select(k => k!["kid"]!.GetValue<string>()).ToList();
        Assert.Contains(before, published);
        Assert.Contains(newKid, published);
        Assert.Equal(newKid, await SignInKidAsync(secret!));
        var listed = await RunAsync("keys", "list");
        Assert.Contains($"{newKid}\tsigning", listed.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{before}\tsigning", listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("retired", listed.Stdout, StringComparison.Ordinal);
        Assert.True(await App.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "oidc_key.rotated" && e.TargetId == newKid)));
    }

    /// <summary>A whole sign-in through openid-client (which checks the ID token against the JWKS); the ID token's key ID.</summary>
    private async Task<string> SignInKidAsync(string secret)
    {
        await using var rp = await RelyingParty.StartAsync();
        using var browser = App.CreateRealBrowser();
        await rp.MustAsync(new { cmd = "discover", issuer = App.Issuer, clientId = "portal-keys", clientSecret = secret });
        var authorize = await rp.MustAsync(new { cmd = "authorize", redirectUri = OidcApp.Callback, scope = "openid" });
        var tokens = await rp.MustAsync(new { cmd = "callback", url = (await OidcFixture.SignInThroughAsync(browser, authorize["url"]!.GetValue<string>(), "key.kim")).ToString() });
        var header = tokens["id_token"]!.GetValue<string>().Split('.')[0];
        return JsonNode.Parse(Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(header)))!["kid"]!.GetValue<string>();
    }

    private async Task<HttpStatusCode> TokenStatusAsync(string clientId, string secret)
    {
        using var http = App.CreateBackChannel();
        using var response = await http.PostAsync(new Uri("connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = "not-a-code", ["redirect_uri"] = OidcApp.Callback,
            ["code_verifier"] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        return response.StatusCode;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Signpost.Postgres.Tests.Infrastructure;
using Signpost.Web.Tests.Cli;

namespace Signpost.Postgres.Tests.OpenIdProvider;

/// <summary>
/// The OpenID Connect provider behind a load balancer: clients, codes, tokens and keys live in the shared
/// PostgreSQL database, so any node redeems what another issued and every node follows a key rotation
/// (docs/oidc-provider.md "Keys").
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class ProviderNodesTests(PostgresServer postgres)
{
    // The balancer's address: the issuer both nodes share, whichever of them answers.
    private const string PublicAddress = "http://signpost.balancer.test";
    private const string Callback = "http://127.0.0.1:9/portal/callback";
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    [Fact]
    public async Task CodeIssuedOnA_RedeemedOnB_AndKeyRotationSeenByBoth()
    {
        // Arrange: two nodes, a client registered from the command line, a person signed in on A.
        await using var nodes = await TwoNodes.StartAsync(postgres, null,
            $"Signpost:PublicBaseUrl={PublicAddress}", "Signpost:OpenIdProvider:KeyRefreshSeconds=1");
        var added = await CliAsync(nodes, "clients", "add", "--client-id", "nodes-portal", "--redirect-uri", Callback, "--practice", "riverside");
        Assert.True(added.ExitCode == 0, added.ToString());
        var secret = added.Stdout.Trim();
        var cookies = new CookieContainer();
        using var toA = nodes.A.CreateClient(cookies);
        using var toB = nodes.B.CreateClient(cookies);
        Assert.Equal("signed_in", (await toA.SignInAsync(Demo.Active, Demo.Password)).Code);

        // Act 1: the authorization request on A, the code redeemed on B.
        using var authorize = await toA.GetAsync(new Uri(QueryHelpers.AddQueryString("connect/authorize", new Dictionary<string, string?>
        {
            ["client_id"] = "nodes-portal", ["redirect_uri"] = Callback, ["response_type"] = "code", ["scope"] = "openid profile",
            ["code_challenge"] = Challenge, ["code_challenge_method"] = "S256", ["state"] = "s", ["nonce"] = "n", ["org"] = "riverside",
        }), UriKind.Relative));
        Assert.True(authorize.StatusCode == HttpStatusCode.Redirect, $"{authorize.StatusCode}: {await authorize.Content.ReadAsStringAsync()}\n{nodes.A.Output}");
        var code = QueryHelpers.ParseQuery(authorize.Headers.Location!.Query)["code"].ToString();
        using var token = await toB.PostAsync(new Uri("connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = Callback, ["code_verifier"] = Verifier,
            ["client_id"] = "nodes-portal", ["client_secret"] = secret,
        }));

        // Assert 1: B accepted A's code; the ID token names the person, with A's and B's shared issuer.
        var body = await token.Content.ReadAsStringAsync();
        Assert.True(token.StatusCode == HttpStatusCode.OK, body);
        using var tokens = JsonDocument.Parse(body);
        var idToken = Payload(tokens.RootElement.GetProperty("id_token").GetString()!);
        Assert.Equal((PublicAddress + "/", "demo.active"), (idToken.GetProperty("iss").GetString(), idToken.GetProperty("preferred_username").GetString()));
        var before = await KeyIdsAsync(toA);
        Assert.Equal(before, await KeyIdsAsync(toB));

        // Act 2: a signing key rotated from the command line.
        var rotated = await CliAsync(nodes, "keys", "rotate", "--use", "signing");
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        var newKid = rotated.Stdout.Split('\t')[0].Trim();

        // Assert 2: within the refresh bound both nodes publish the new key beside the old one.
        foreach (var client in new[] { toA, toB })
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            IReadOnlyList<string> published;
            while (!(published = await KeyIdsAsync(client)).Contains(newKid) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }

            Assert.Contains(newKid, published);
            Assert.Contains(before.Single(), published);
        }
    }

    private static Task<CliRun> CliAsync(TwoNodes nodes, params string[] args) =>
        SignpostProcess.RunAsync(nodes.ConnectionString, Directory.CreateTempSubdirectory("signpost-pg-cli-").FullName, null,
            [.. args, "--Signpost:Database:Provider=PostgreSQL"]);

    private static async Task<IReadOnlyList<string>> KeyIdsAsync(HttpClient node)
    {
        var jwks = await node.GetFromJsonAsync<JsonElement>(new Uri(".well-known/jwks", UriKind.Relative));
        return jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).Order(StringComparer.Ordinal).ToList();
    }

    private static JsonElement Payload(string jwt) =>
        JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(jwt.Split('.')[1])).RootElement.Clone();
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using Signpost.Web.Tests.OpenIdProvider;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Sso;

/// <summary>
/// A portal signs a person in through Signpost in real Chromium: the portal's authorization URL (built by npm's
/// openid-client), Signpost's sign-in page, and back to the portal's registered redirect URI. Chromium enforces
/// the pages' Content-Security-Policy, form-action included, which the Web tests' HTTP client does not
/// (docs/oidc-provider.md, "Signing in from a browser").
/// </summary>
public sealed partial class OpenIdProviderJourneyTests(SignpostBrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly TimeSpan ArrivalTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Portal_SignInThroughChromium_ReachesRedirectUriWithCodeThenLogsOutToRegisteredAddress()
    {
        // Arrange: the portal, a loopback listener of the test's that records where Chromium arrives. (Playwright's
        // RouteAsync did not reliably catch a navigation redirected to another origin: Chromium reached the network first.)
        await using var portalSite = PortalSite.Start();
        var portal = portalSite.Origin;
        var callback = $"{portal}/portal/callback";
        var signedOut = $"{portal}/portal/signed-out";
        var clientId = $"journey-{Guid.NewGuid():N}"[..20];
        var secret = await AddClientAsync(clientId, callback, signedOut);
        await using var rp = await RelyingParty.StartAsync();
        await rp.MustAsync(new { cmd = "discover", issuer = Server.BaseAddress.ToString(), clientId, clientSecret = secret });
        var authorize = await rp.MustAsync(new { cmd = "authorize", redirectUri = callback, scope = "openid profile practices" });

        var page = await NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => console.Add(message.Text);
        var arrived = portalSite.Next(url => url.StartsWith(callback + "?", StringComparison.Ordinal));
        var left = portalSite.Next(url => url.StartsWith(signedOut, StringComparison.Ordinal));

        // Act: the portal sends the browser to Signpost, which shows the practice's sign-in page
        await page.GotoAsync(authorize["url"]!.GetValue<string>());
        var signIn = await SignInPage.ExpectAsync(page);
        await Expect(page).ToHaveURLAsync(new Regex($"{Regex.Escape(Demo.PracticePath)}\\?returnUrl=%2Fconnect%2Fauthorize"));

        // Assert: a wrong password is explained there, with the trace ID support looks up
        var failure = await signIn.SignInExpectingFailureAsync(Demo.Active, Demo.WrongPassword);
        Assert.Equal("invalid_credentials", await failure.CodeAsync());
        await Expect(failure.TraceId).ToHaveTextAsync(TraceIdFormat());
        var refused = await EventAsync((await failure.TraceId.TextContentAsync())!.Trim());
        Assert.Equal("invalid_credentials", Field(refused, "ReasonCode")?.GetValue<string>());
        var accountId = Field(refused, "AccountId")!.GetValue<string>();
        Assert.Empty(portalSite.Arrivals);

        // Act: the right password; the POST answers with the hand-off page, whose refresh is not a form's navigation.
        // The answer is read as it passes (the page refreshes away at once, and Chromium drops a body it navigated
        // away from before the test could read it on a loaded machine).
        var handoff = new TaskCompletionSource<(int Status, string Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(url => url.Contains(Demo.PracticePath, StringComparison.Ordinal), async route =>
        {
            if (route.Request.Method != "POST")
            {
                await route.ContinueAsync();
                return;
            }

            var answer = await route.FetchAsync();
            handoff.TrySetResult((answer.Status, await answer.TextAsync()));
            await route.FulfillAsync(new() { Response = answer });
        });
        await signIn.SubmitAsync(Demo.Active, Demo.Password);
        var posted = await handoff.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, posted.Status);
        Assert.Contains("Continuing to Journey portal", posted.Body, StringComparison.Ordinal);

        // Assert: Chromium arrives at the registered redirect URI with a code
        var landed = await ArrivalAsync(arrived, page, console, portalSite);
        Assert.StartsWith(callback + "?", landed, StringComparison.Ordinal);
        Assert.Contains("code=", landed, StringComparison.Ordinal);
        await Expect(page).ToHaveTitleAsync("Portal");
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));

        // Assert: openid-client redeems it (PKCE, state, nonce, signature, issuer, audience) and the claims are the person's
        var tokens = await rp.MustAsync(new { cmd = "callback", url = landed });
        var claims = tokens["claims"]!;
        Assert.Equal(accountId, claims["sub"]!.GetValue<string>());
        Assert.Equal(Demo.Active, claims["preferred_username"]!.GetValue<string>());
        Assert.Equal(Demo.ActiveName, claims["name"]!.GetValue<string>());
        var practice = Assert.Single(claims["practices"]!.AsArray())!;
        Assert.Equal((Demo.Slug, Demo.PracticeName), (practice["slug"]!.GetValue<string>(), practice["name"]!.GetValue<string>()));
        Assert.Equal(["Staff", "Provider"], practice["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        var userinfo = (await rp.MustAsync(new { cmd = "userinfo" }))["userinfo"]!;
        Assert.Equal(accountId, userinfo["sub"]!.GetValue<string>());

        // Act: the portal signs the person out through Signpost's end-session endpoint
        var endSession = await rp.MustAsync(new { cmd = "endSession", postLogoutRedirectUri = signedOut });
        await page.GotoAsync(endSession["url"]!.GetValue<string>());

        // Assert: Chromium lands on the registered post-logout address, and the Signpost session is over
        var loggedOut = await ArrivalAsync(left, page, console, portalSite);
        Assert.StartsWith(signedOut, loggedOut, StringComparison.Ordinal);
        var afterLogout = await rp.SendAsync(new { cmd = "userinfo" });
        Assert.False(afterLogout["ok"]!.GetValue<bool>(), $"userinfo still answered after end session: {afterLogout.ToJsonString()}");
        await page.GotoAsync("/");
        await SignInPage.ExpectAsync(page);
    }

    /// <summary>The portal page Chromium reached; a timeout fails with where it stopped and what its console said (a CSP refusal says so there).</summary>
    private static async Task<string> ArrivalAsync(Task<string> arrival, IPage page, List<string> console, PortalSite portal)
    {
        try
        {
            return await arrival.WaitAsync(ArrivalTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Chromium never reached the portal; it stayed on {page.Url}. Portal requests: [{string.Join(", ", portal.Arrivals)}]. Console: [{string.Join(" | ", console)}]");
            throw;
        }
    }

    private Task<string?> AddClientAsync(string clientId, string callback, string signedOut) =>
        CliAsync(["clients", "add", "--client-id", clientId, "--name", "Journey portal", "--redirect-uri", callback, "--post-logout-uri", signedOut,
            "--practice", Demo.Slug, "--scopes", "openid profile practices"]);

    private async Task<JsonObject> EventAsync(string traceId) =>
        JsonNode.Parse((await CliAsync(["events", "show", traceId, "--json"]))!)!.AsObject();

    private static JsonNode? Field(JsonObject json, string name) =>
        json.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Runs the <c>signpost</c> command line on the app's own database, as an operator would; returns its standard output.</summary>
    private async Task<string?> CliAsync(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = Server.WorkingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Repository.AppDll }.Concat(arguments).Append("--Signpost:DataProtection:AllowUnprotectedKeys=true"))
        {
            start.ArgumentList.Add(argument);
        }

        using var cli = Process.Start(start)!;
        var error = cli.StandardError.ReadToEndAsync();
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        Assert.True(cli.ExitCode == 0, $"signpost {string.Join(' ', start.ArgumentList.Skip(1))} exited {cli.ExitCode}: {output}{await error}");
        return output.Trim() is { Length: > 0 } printed ? printed : null;
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceIdFormat();
}

/// <summary>The portal's web server, as far as the journey needs one: every page answers a small "Portal" page; each address asked for is recorded.</summary>
internal sealed class PortalSite : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly List<string> _arrivals = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Done)> _waits = [];

    private PortalSite(HttpListener listener, string origin)
    {
        _listener = listener;
        Origin = origin;
        _loop = Task.Run(ServeAsync);
    }

    public string Origin { get; }

    public IReadOnlyCollection<string> Arrivals
    {
        get
        {
            lock (_arrivals)
            {
                return [.. _arrivals];
            }
        }
    }

    public static PortalSite Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var origin = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        probe.Stop();
        var listener = new HttpListener();
        listener.Prefixes.Add(origin + "/");
        listener.Start();
        return new PortalSite(listener, origin);
    }

    /// <summary>The first address asked for from now on that <paramref name="match"/> accepts.</summary>
    public Task<string> Next(Func<string, bool> match)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_arrivals)
        {
            _waits.Add((match, done));
        }

        return done.Task;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var url = Origin + context.Request.RawUrl;
            lock (_arrivals)
            {
                _arrivals.Add(url);
                foreach (var wait in _waits.Where(w => w.Match(url)))
                {
                    wait.Done.TrySetResult(url);
                }
            }

            var body = System.Text.Encoding.UTF8.GetBytes("<!doctype html><html lang=\"en\"><title>Portal</title><h1>Portal</h1></html>");
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}

using System.Diagnostics;
using Microsoft.Playwright;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Web.Tests.Sso;
using static Signpost.Browser.Tests.Docs.Screenshots;

namespace Signpost.Browser.Tests.Sso;

/// <summary>
/// A <c>signpost --demo</c> of its own whose demo practice signs in through a real OpenID Connect provider
/// (npm's oidc-provider on loopback), connected with the <c>signpost sso add</c> command as an operator would.
/// </summary>
public sealed class SsoServer : IAsyncLifetime
{
    private SignpostServer? _server;
    private TestProvider? _provider;

    public SignpostServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public TestProvider Provider => _provider ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        // The longest call to the provider the options allow (60 s, against 10 by default): the provider is a Node
        // process on the same two cores as Chromium and the other test lane, and this class is about the browser's
        // round trip, not about a slow provider (SsoProviderFailureTests are).
        _server = await SignpostServer.StartAsync(["--Signpost:Sso:AllowHttpProviders=true", "--Signpost:Sso:AllowPrivateProviderAddresses=true", "--Signpost:Sso:BackchannelTimeoutSeconds=60"]);
        _provider = await TestProvider.StartRealAsync(new Uri(_server.BaseAddress, $"sso/callback/{Demo.Slug}").ToString());
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = _server.WorkingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Repository.AppDll, "sso", "add", "--org", Demo.Slug, "--discovery-url", _provider.DiscoveryUrl, "--client-id", TestProvider.ClientId,
            "--scopes", "openid profile email npi", "--Signpost:Sso:AllowHttpProviders=true", "--Signpost:Sso:AllowPrivateProviderAddresses=true",
            "--Signpost:DataProtection:AllowUnprotectedKeys=true",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SIGNPOST_SSO_CLIENT_SECRET"] = TestProvider.ClientSecret;
        using var cli = Process.Start(start)!;
        var output = await cli.StandardOutput.ReadToEndAsync() + await cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync();
        Assert.True(cli.ExitCode == 0, output);
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[Collection(BrowserCollection.Name)]
public sealed class SsoBrowserTests(SignpostBrowserFixture fixture, SsoServer sso) : BrowserTest(fixture), IClassFixture<SsoServer>
{
    /// <summary>
    /// Each leg crosses two processes (pushed authorization request, login, token exchange, key fetch); on a
    /// loaded 2-core CI machine that took more than Playwright's default 30 s once, never locally (about 4 s).
    /// The waits end when the browser's URL is the leg's, not at its page's <c>load</c> event: on a starved machine
    /// Playwright once waited 90 s for the provider page's <c>load</c> after its URL matched; the form and the text are
    /// waited for by their own locators.
    /// </summary>
    private const float RoundTripTimeout = 90_000;

    protected override SignpostServer Server => sso.Server;

    [Fact]
    public async Task SignIn_ThroughPracticeProvider_LinksByEmailAndLandsSignedIn()
    {
        // Arrange
        var page = await NewPageAsync();
        await page.GotoAsync(Demo.PracticePath);

        // Act: the practice's button, oidc-provider's own login page, and back.
        await page.GetByTestId("sso-button").ClickAsync();
        await WaitForLegAsync(page, "the practice's button to the provider's login", url => url.StartsWith(sso.Provider.Issuer, StringComparison.Ordinal), RoundTripTimeout);
        await page.Locator("input[name=login]").FillAsync(Demo.ActiveEmail, new() { Timeout = RoundTripTimeout });
        await page.Locator("input[name=password]").FillAsync("any password the provider checks");
        await page.Locator("button[type=submit]").ClickAsync();
        await WaitForLegAsync(page, "the provider's login back to Signpost",
            url => url.StartsWith(sso.Server.BaseAddress.ToString(), StringComparison.Ordinal) && !url.Contains("/sso/", StringComparison.Ordinal), RoundTripTimeout);

        // Assert
        Assert.Equal(sso.Server.BaseAddress.ToString(), page.Url);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(Demo.ActiveName, new() { Timeout = RoundTripTimeout });
        var cookies = await page.Context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "sp_session");
    }

    [Fact]
    public async Task PracticePage_WithProvider_WritesDocsScreenshot()
    {
        // Arrange
        var page = await NewPageAsync(width: Width, height: Height);
        await page.GotoAsync(Demo.PracticePath);
        await Assertions.Expect(page.GetByTestId("sso-button")).ToBeVisibleAsync();

        // Act
        var path = await TakeAsync(page, "sso-sign-in.png");

        // Assert
        AssertPng(path);
    }
}

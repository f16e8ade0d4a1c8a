using System.Diagnostics;
using Microsoft.Playwright;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Web.Tests.Sso.Saml;

namespace Signpost.Browser.Tests.Sso;

/// <summary>
/// A <c>signpost --demo</c> of its own whose demo practice signs in through a real SAML 2.0 identity provider
/// (npm's samlify on loopback), its metadata imported with <c>signpost sso add --saml --metadata URL</c>.
/// </summary>
public sealed class SamlServer : IAsyncLifetime
{
    private static readonly string[] Loopback = ["--Signpost:Sso:AllowHttpProviders=true", "--Signpost:Sso:AllowPrivateProviderAddresses=true"];

    private SignpostServer? _server;
    private TestSamlIdp? _idp;

    public SignpostServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public TestSamlIdp Idp => _idp ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        _server = await SignpostServer.StartAsync([.. Loopback, "--Signpost:PublicBaseUrl={baseAddress}"]);
        _idp = await TestSamlIdp.StartAsync(Demo.Slug, publicBaseUrl: _server.BaseAddress.ToString());
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = _server.WorkingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Repository.AppDll, "sso", "add", "--org", Demo.Slug, "--saml", "--metadata", _idp.MetadataUrl, "--email-claim", "email" }
            .Concat(Loopback).Append("--Signpost:DataProtection:AllowUnprotectedKeys=true"))
        {
            start.ArgumentList.Add(argument);
        }

        using var cli = Process.Start(start)!;
        var output = await cli.StandardOutput.ReadToEndAsync() + await cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync();
        Assert.True(cli.ExitCode == 0, output);
    }

    public async ValueTask DisposeAsync()
    {
        if (_idp is not null)
        {
            await _idp.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[Collection(BrowserCollection.Name)]
public sealed class SamlBrowserTests(SignpostBrowserFixture fixture, SamlServer saml) : BrowserTest(fixture), IClassFixture<SamlServer>
{
    private const float RoundTripTimeout = 90_000;

    protected override SignpostServer Server => saml.Server;

    [Fact]
    public async Task SignIn_ThroughSamlProvider_PostsBackAndLandsSignedIn()
    {
        // Arrange
        var page = await NewPageAsync();
        await page.GotoAsync(Demo.PracticePath);

        // Act: the practice's button, samlify's login form, its self-submitting HTTP-POST form back to the ACS.
        await page.GetByTestId("sso-button").ClickAsync();
        await WaitForLegAsync(page, "the practice's button to the identity provider", url => url.StartsWith($"http://127.0.0.1:{saml.Idp.Port}/sso?SAMLRequest=", StringComparison.Ordinal), RoundTripTimeout);
        await page.Locator("input[name=login]").FillAsync(Demo.ActiveEmail, new() { Timeout = RoundTripTimeout });
        await page.Locator("button").ClickAsync();
        await WaitForLegAsync(page, "the identity provider's form back to Signpost",
            url => url.StartsWith(saml.Server.BaseAddress.ToString(), StringComparison.Ordinal) && !url.Contains("/sso/", StringComparison.Ordinal), RoundTripTimeout);

        // Assert
        Assert.Equal(saml.Server.BaseAddress.ToString(), page.Url);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(Demo.ActiveName, new() { Timeout = RoundTripTimeout });
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "sp_session");
    }
}

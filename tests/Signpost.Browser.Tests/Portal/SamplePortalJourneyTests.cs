using System.Text.RegularExpressions;
using Signpost.Browser.Tests.Docs;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;
using static Signpost.Browser.Tests.Infrastructure.SignpostCommandLine;

namespace Signpost.Browser.Tests.Portal;

/// <summary>
/// The sample portal (samples/Portal: ASP.NET Core's stock OpenID Connect handler and nothing else) signs a person
/// in through Signpost in Chromium, end to end: the portal, Signpost's sign-in page with a failure explained and
/// its trace ID, the portal again with the person's claims, and a sign-out that ends the Signpost session too
/// (docs/oidc-provider.md "The sample portal").
/// </summary>
public sealed partial class SamplePortalJourneyTests(SignpostBrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly Microsoft.Playwright.PageWaitForURLOptions Arrival = new() { Timeout = 30_000 };

    [Fact]
    public async Task SamplePortal_FailureThenSignIn_ShowsClaimsThenSignsOutEverywhere()
    {
        // Arrange: a confidential client for the portal's address, registered as an operator would; the portal configured with it
        var origin = SamplePortal.ReserveOrigin();
        var clientId = $"sample-{Guid.NewGuid():N}"[..20];
        var secret = await RunAsync(Server, "clients", "add", "--client-id", clientId, "--name", "Riverside provider portal",
            "--redirect-uri", origin + "signin-oidc", "--post-logout-uri", origin + "signout-callback-oidc",
            "--practice", Demo.Slug, "--scopes", "openid profile email npi practices");
        await using var portal = await SamplePortal.StartAsync(origin, Server.BaseAddress, clientId, secret);
        var page = await NewPageAsync(width: Screenshots.Width, height: Screenshots.Height);
        var pages = new PortalPages(page);

        // Act: the portal's "Sign in" leads to the practice's sign-in page on Signpost
        await page.GotoAsync(origin.ToString());
        await pages.SignInButton.ClickAsync();
        var signIn = await SignInPage.ExpectAsync(page);
        Assert.StartsWith($"{Server.BaseAddress}o/{Demo.Slug}?returnUrl=%2Fconnect%2Fauthorize", page.Url, StringComparison.Ordinal);

        // Assert: a wrong password is explained there with the trace ID support looks up; the portal has seen nothing
        var failure = await signIn.SignInExpectingFailureAsync(Demo.Active, Demo.WrongPassword);
        Assert.Equal("invalid_credentials", await failure.CodeAsync());
        var failedTrace = (await failure.TraceId.TextContentAsync())!.Trim();
        Assert.Matches(TraceIdFormat(), failedTrace);
        Assert.Equal("invalid_credentials", Field(await EventAsync(Server, failedTrace), "ReasonCode")?.GetValue<string>());

        // Act: the right password
        await signIn.SubmitAsync(Demo.Active, Demo.Password);

        // Assert: back in the portal, signed in, with what the ID token said
        await page.WaitForURLAsync(origin + "me", Arrival);
        await Expect(pages.Who).ToHaveTextAsync(Demo.ActiveName);
        await Expect(pages.Claim("name")).ToHaveTextAsync(Demo.ActiveName);
        await Expect(pages.Claim("preferred_username")).ToHaveTextAsync(Demo.Active);
        await Expect(pages.Claim("email")).ToHaveTextAsync(Demo.ActiveEmail);
        await Expect(pages.Claim("npi")).ToHaveTextAsync(Demo.ActiveNpi);
        await Expect(pages.Practice(Demo.Slug)).ToHaveTextAsync($"{Demo.PracticeName} ({Demo.Slug}): Staff, Provider");
        await Expect(pages.Claim("amr")).ToHaveTextAsync("pwd");
        await Expect(pages.Claim("acr")).ToHaveTextAsync("urn:signpost:acr:single-factor");
        await Expect(pages.Claim("sub")).ToHaveTextAsync(Field(await EventAsync(Server, failedTrace), "AccountId")!.GetValue<string>());
        Screenshots.AssertPng(await Screenshots.TakeAsync(page, "portal-signed-in.png"));

        // Act: sign out in the portal (RP-initiated logout through Signpost's end-session endpoint)
        await pages.SignOutButton.ClickAsync();

        // Assert: home again, signed out of the portal (a timeout says where the browser stopped instead)
        try
        {
            await page.WaitForURLAsync(origin.ToString(), Arrival);
        }
        catch (TimeoutException ex)
        {
            var text = await page.Locator("body").InnerTextAsync();
            throw new TimeoutException($"Signing out did not come back to the portal; the browser is at {page.Url}: {text[..Math.Min(text.Length, 400)]}", ex);
        }

        await Expect(pages.SignInButton).ToBeVisibleAsync();

        // Act: the portal asks Signpost, without showing a page, whether the person is still signed in there
        await page.GotoAsync(origin + "sign-in/silent");

        // Assert: no: the portal's error page shows login_required and Signpost's trace ID, which names a refusal event
        await page.WaitForURLAsync(new Regex("/error\\?"), Arrival);
        await Expect(pages.Error).ToHaveTextAsync("login_required");
        var silentTrace = (await pages.ErrorParameter("signpost_trace_id").TextContentAsync())!.Trim();
        Assert.Matches(TraceIdFormat(), silentTrace);
        await Expect(pages.ErrorDescription).ToContainTextAsync($"Trace ID: {silentTrace}");
        Assert.Equal("oidc_login_required", Field(await EventAsync(Server, silentTrace), "ReasonCode")?.GetValue<string>());

        // Assert: and Signpost's own pages ask for a sign-in again
        await page.GotoAsync(Server.BaseAddress.ToString());
        await SignInPage.ExpectAsync(page);
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceIdFormat();
}

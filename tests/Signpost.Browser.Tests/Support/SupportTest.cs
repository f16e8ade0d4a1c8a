using Microsoft.Playwright;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;

namespace Signpost.Browser.Tests.Support;

/// <summary>Base for the support tests: the steps their stories share, on the class's own <see cref="SupportServer"/>.</summary>
public abstract class SupportTest(SignpostBrowserFixture fixture, SupportServer support)
    : BrowserTest(fixture), IClassFixture<SupportServer>
{
    /// <summary>A 1×1 PNG, the smallest screenshot a person could attach.</summary>
    protected static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");

    protected override SignpostServer Server => support.Server;

    /// <summary>
    /// A wrong password for <see cref="Demo.Admin"/> (never <see cref="Demo.Active"/>, whom a lock would
    /// break for other tests), followed to "Can't sign in?" from the failure box.
    /// </summary>
    protected async Task<(CantSignInPage Page, string TraceId)> FailedSignInFollowedToCantSignInAsync(int width = 1280, int height = 720)
    {
        var (failure, traceId) = await FailedSignInAsync(width, height);
        return (await failure.FollowCantSignInLinkAsync(), traceId);
    }

    /// <summary>
    /// A failed attempt checked on "Can't sign in?" with the identifier typed, then a help request filed with
    /// <see cref="Png"/>, or with a real screenshot of the failure box when <paramref name="screenshotOfFailure"/>.
    /// </summary>
    protected async Task<(CantSignInPage Page, string TraceId, string IncidentId)> FiledHelpRequestAsync(
        string description, int width = 1280, int height = 720, bool screenshotOfFailure = false)
    {
        var (failure, traceId) = await FailedSignInAsync(width, height);
        var png = screenshotOfFailure ? await failure.Box.ScreenshotAsync() : Png;
        var cantSignIn = await failure.FollowCantSignInLinkAsync();
        await cantSignIn.Identifier.FillAsync(Demo.Admin);
        await cantSignIn.CheckAsync();
        var incidentId = await cantSignIn.AskExpectingFiledAsync(description, "+1 555 010 0199", png);
        return (cantSignIn, traceId, incidentId);
    }

    private async Task<(FailureBox Failure, string TraceId)> FailedSignInAsync(int width, int height)
    {
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(width: width, height: height), Demo.PracticePath);
        var failure = await signIn.SignInExpectingFailureAsync(Demo.Admin, Demo.WrongPassword);
        return (failure, await failure.TraceId.InnerTextAsync());
    }

    /// <summary>A new browser profile signed in as the demo support agent, on the support console.</summary>
    protected async Task<SupportSearchPage> SupportConsoleAsync(int width = 1280, int height = 720)
    {
        var page = await NewPageAsync(width: width, height: height);
        await (await SignInPage.OpenAsync(page, Demo.PracticePath)).SignInAsync(Demo.Support, Demo.Password);
        return await SupportSearchPage.OpenAsync(page);
    }
}

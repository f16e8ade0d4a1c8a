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
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(width: width, height: height), Demo.PracticePath);
        var failure = await signIn.SignInExpectingFailureAsync(Demo.Admin, Demo.WrongPassword);
        var traceId = await failure.TraceId.InnerTextAsync();
        await failure.Box.GetByTestId("cant-sign-in").ClickAsync();
        return (await CantSignInPage.ExpectAsync(signIn.Page), traceId);
    }

    /// <summary>A failed attempt checked on "Can't sign in?" with the identifier typed, then a help request filed.</summary>
    protected async Task<(CantSignInPage Page, string TraceId, string IncidentId)> FiledHelpRequestAsync(string description, int width = 1280, int height = 720)
    {
        var (cantSignIn, traceId) = await FailedSignInFollowedToCantSignInAsync(width, height);
        await cantSignIn.Identifier.FillAsync(Demo.Admin);
        await cantSignIn.CheckAsync();
        var incidentId = await cantSignIn.AskExpectingFiledAsync(description, "+1 555 010 0199", Png);
        return (cantSignIn, traceId, incidentId);
    }

    /// <summary>A new browser profile signed in as the demo support agent, on the support console.</summary>
    protected async Task<SupportSearchPage> SupportConsoleAsync(int width = 1280, int height = 720)
    {
        var page = await NewPageAsync(width: width, height: height);
        await (await SignInPage.OpenAsync(page, Demo.PracticePath)).SignInAsync(Demo.Support, Demo.Password);
        return await SupportSearchPage.OpenAsync(page);
    }
}

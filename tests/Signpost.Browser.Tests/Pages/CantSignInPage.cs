using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>"Can't sign in?" (<c>/cant-sign-in</c>): the trace read back, the client check, next steps, and "Ask for help".</summary>
public sealed class CantSignInPage
{
    public const string Path = "/cant-sign-in";

    private CantSignInPage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Trace => Page.GetByLabel("Trace ID of the failed attempt");

    public ILocator Identifier => Page.GetByLabel("Provider ID, email or NPI");

    public ILocator CheckButton => Page.GetByRole(AriaRole.Button, new() { Name = "Check" });

    public ILocator ShownReason => Page.GetByTestId("shown-reason");

    public ILocator ClientCheck => Page.GetByTestId("client-check");

    public ILocator NextSteps => Page.GetByTestId("next-steps");

    public ILocator AskForm => Page.GetByTestId("ask-form");

    public ILocator Description => Page.GetByLabel("What happened?");

    public ILocator CallbackNumber => Page.GetByLabel("Call-back number");

    public ILocator Screenshot => Page.GetByLabel("Screenshot");

    public ILocator SendButton => Page.GetByRole(AriaRole.Button, new() { Name = "Send to the help desk" });

    public ILocator AskProblems => Page.GetByTestId("ask-problems");

    public ILocator Filed => Page.GetByTestId("filed");

    /// <summary>One row of the client check, by its fact ("JavaScript", "Clock", "Time zone"...).</summary>
    public ILocator Fact(string fact) => ClientCheck.Locator($"tr[data-fact='{fact}']");

    public static async Task<CantSignInPage> OpenAsync(IPage page, string path = Path)
    {
        await page.GotoAsync(path);
        return await ExpectAsync(page);
    }

    /// <summary>The page, reached by a link (the failure box's "Can't sign in?").</summary>
    public static async Task<CantSignInPage> ExpectAsync(IPage page)
    {
        var cantSignIn = new CantSignInPage(page);
        await Expect(cantSignIn.Heading).ToHaveTextAsync("Can't sign in?");
        return cantSignIn;
    }

    /// <summary>Presses "Check" with what the form holds, and waits for the client check.</summary>
    public async Task CheckAsync()
    {
        await CheckButton.ClickAsync();
        await Expect(ClientCheck).ToBeVisibleAsync();
    }

    /// <summary>Fills "Ask for help" and sends it; the caller decides what should follow.</summary>
    public async Task AskAsync(string description, string? callbackNumber = null, byte[]? png = null)
    {
        await Description.FillAsync(description);
        if (callbackNumber is not null)
        {
            await CallbackNumber.FillAsync(callbackNumber);
        }

        if (png is not null)
        {
            await Screenshot.SetInputFilesAsync(new FilePayload { Name = "screenshot.png", MimeType = "image/png", Buffer = png });
        }

        await SendButton.ClickAsync();
    }

    /// <summary>Asks for help and returns the incident ID the page reports.</summary>
    public async Task<string> AskExpectingFiledAsync(string description, string? callbackNumber = null, byte[]? png = null)
    {
        await AskAsync(description, callbackNumber, png);
        await Expect(Filed).ToBeVisibleAsync();
        return await Filed.GetAttributeAsync("data-incident") ?? throw new InvalidOperationException("The filed box has no data-incident.");
    }
}

using Microsoft.Playwright;

namespace Signpost.Browser.Tests.Infrastructure;

/// <summary>Base for browser tests: each page opens in its own fresh context, closed after the test.</summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(SignpostBrowserFixture fixture) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    protected SignpostBrowserFixture Fixture => fixture;

    /// <summary>The app pages open against: the suite's shared one, unless a test class brings its own.</summary>
    protected virtual SignpostServer Server => fixture.Server;

    /// <summary>The address pages open at: the app's own, unless a test class needs another name for it (localhost, for WebAuthn).</summary>
    protected virtual Uri PageAddress => Server.BaseAddress;

    /// <summary>A page in a new browser profile: no cookies, no trusted-device cookie.</summary>
    protected async Task<IPage> NewPageAsync(bool javaScript = true, int width = 1280, int height = 720)
    {
        var context = await fixture.NewContextAsync(javaScript, width, height, PageAddress);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Waits until the browser's URL is the leg's; when it never is, fails with where the browser is and what the page
    /// says. Polls the URL rather than calling <c>WaitForURLAsync</c>: when the URL already matches, Playwright .NET
    /// waits for the page's <c>load</c> state instead (a <c>Commit</c> wait becomes a <c>load</c> wait), and twice in CI
    /// that wait ran out on a page that had arrived, was readable and had reached network idle (SsoBrowserTests: the browser at
    /// Signpost's home page, signed in as the linked person: the leg had worked). The pages' content is waited for by
    /// the locators after it.
    /// </summary>
    protected static async Task WaitForLegAsync(IPage page, string leg, Func<string, bool> arrived, float timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!arrived(page.Url))
        {
            if (clock.Elapsed.TotalMilliseconds > timeout)
            {
                string text;
                try
                {
                    text = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
                }
                catch (Exception unreadable) when (unreadable is PlaywrightException or TimeoutException)
                {
                    text = "(unreadable: " + unreadable.Message + ")";
                }

                throw new TimeoutException($"{leg}: after {timeout / 1000:0} s the browser is at {page.Url}, which says: {text[..Math.Min(text.Length, 800)]}");
            }

            await Task.Delay(100);
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }
}

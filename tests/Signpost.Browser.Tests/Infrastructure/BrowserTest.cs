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

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }
}

using Microsoft.Playwright;
using Signpost.Browser.Tests.Pages;

namespace Signpost.Browser.Tests.Infrastructure;

/// <summary>
/// One running app and one headless Debian Chromium for the whole browser suite. A missing Chromium
/// fails every test with a message that says how to install it: a skipped browser suite would look green.
/// </summary>
public sealed class SignpostBrowserFixture : IAsyncLifetime
{
    public const string DefaultChromiumPath = "/usr/bin/chromium";

    /// <summary>
    /// Headless as root needs --no-sandbox; the rest keep Chromium from calling home, which a closed
    /// network refuses many times a second.
    /// </summary>
    private static readonly string[] ChromiumArguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private SignpostServer? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _changePasswordPath;

    public SignpostServer Server => _server ?? throw NotStarted();

    public IBrowser Browser => _browser ?? throw NotStarted();

    /// <summary>
    /// The change-password page of <see cref="Demo.Expired"/>, opened once at start-up: the expiry test
    /// changes that password, so a later test could not reach the page by signing in again.
    /// </summary>
    public string ChangePasswordPath => _changePasswordPath ?? throw NotStarted();

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : DefaultChromiumPath;

    public async ValueTask InitializeAsync()
    {
        var chromium = ChromiumPath;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {chromium}. The browser tests need Debian's Chromium: "
                + "run `apt-get install -y chromium`, or set CHROMIUM_PATH to another Chromium executable. "
                + "(Playwright's own browser download is not used.)");
        }

        // A sign-in hashes with PBKDF2 (210,000 rounds): on a busy two-core CI machine a page can take
        // longer than Playwright's 5-second default to appear.
        Assertions.SetDefaultExpectTimeout(15_000);
        _server = await SignpostServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        try
        {
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ChromiumArguments,
            });
        }
        catch (PlaywrightException ex)
        {
            throw new InvalidOperationException($"Chromium at {chromium} did not start headless: {ex.Message}", ex);
        }

        await using var context = await NewContextAsync();
        var signIn = await SignInPage.OpenAsync(await context.NewPageAsync(), Demo.PracticePath);
        var change = await signIn.SignInExpectingPasswordChangeAsync(Demo.Expired, Demo.Password);
        _changePasswordPath = change.PathAndQuery;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A fresh browser profile (no cookies, an untrusted device) pointed at the app, or at <paramref name="baseAddress"/>.</summary>
    public Task<IBrowserContext> NewContextAsync(bool javaScript = true, int width = 1280, int height = 720, Uri? baseAddress = null) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (baseAddress ?? Server.BaseAddress).ToString(),
            JavaScriptEnabled = javaScript,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
        });

    private static InvalidOperationException NotStarted() => new("The browser fixture has not started.");
}

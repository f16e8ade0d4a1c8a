using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Maintenance;

/// <summary>
/// Planned maintenance as a person meets it in Chromium: the banner before a window, the maintenance
/// message during one, the status page — each axe-clean. Runs against its own app (<see cref="MaintenanceServer"/>)
/// in the shared browser, one test at a time with the rest of the suite.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MaintenanceBrowserTests(SignpostBrowserFixture fixture, MaintenanceServer maintenance)
    : IClassFixture<MaintenanceServer>, IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task PracticeSignInPage_WindowTomorrow_BannerAnnouncesItInUtcAndPracticeTime()
    {
        // Arrange
        var page = await NewPageAsync();

        // Act
        var signIn = await SignInPage.OpenAsync(page, Demo.PracticePath);

        // Assert
        var banner = new MaintenanceBanner(signIn.Page);
        await Expect(banner.Heading).ToHaveTextAsync("Planned maintenance");
        var window = banner.Window(maintenance.UpcomingId);
        await Expect(window).ToContainTextAsync("The provider portal (sign-in included) will be unavailable for planned maintenance.");
        await Expect(window).ToContainTextAsync(MaintenanceServer.UpcomingMessage);
        await Expect(window.GetByTestId("maintenance-utc")).ToHaveTextAsync(Span(maintenance.UpcomingStart, maintenance.UpcomingEnd, TimeZoneInfo.Utc) + " UTC");
        var chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
        await Expect(window.GetByTestId("maintenance-local")).ToHaveTextAsync(new Regex(
            "^" + Regex.Escape(Span(maintenance.UpcomingStart, maintenance.UpcomingEnd, chicago)) + @" America/Chicago time \(UTC-0[56]:00( → UTC-0[56]:00)?\)$"));
        await Expect(banner.StatusLink).ToHaveAttributeAsync("href", $"/status?org={Demo.Slug}");
    }

    [Fact]
    public async Task HomePage_WindowTomorrow_BannerAfterSignIn()
    {
        // Arrange
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath);

        // Act
        var home = await signIn.SignInAsync(Demo.Active, Demo.Password);

        // Assert
        var banner = new MaintenanceBanner(home.Page);
        await Expect(banner.Heading).ToHaveTextAsync("Planned maintenance");
        await Expect(banner.Window(maintenance.UpcomingId)).ToContainTextAsync(MaintenanceServer.UpcomingMessage);
    }

    [Fact]
    public async Task SignInPage_DuringSignInWindow_BannerSaysInProgressAndSignInAnswersMaintenance()
    {
        // Arrange: a sign-in window that starts now; closed again at the end, so the other tests can sign in.
        var now = DateTime.UtcNow;
        var id = await maintenance.ScheduleAsync(now, now.AddHours(1), "sign-in", "Moving the sign-in servers.");
        try
        {
            var signIn = await SignInPage.OpenAsync(await NewPageAsync(), "/sign-in");
            var banner = new MaintenanceBanner(signIn.Page);
            await Expect(banner.Heading).ToHaveTextAsync("Maintenance in progress");
            await Expect(banner.Window(id)).ToContainTextAsync("Sign-in to the provider portal is unavailable now for planned maintenance");
            await AssertAxeCleanAsync(signIn.Page, "/sign-in during maintenance");

            // Act: the right password.
            var failure = await signIn.SignInExpectingFailureAsync(Demo.Active, Demo.Password);

            // Assert: the maintenance reason with the operators' words and the expected end.
            Assert.Equal("maintenance_window", await failure.CodeAsync());
            await Expect(failure.Title).ToHaveTextAsync("Planned maintenance");
            await Expect(failure.Box).ToContainTextAsync("Moving the sign-in servers.");
            await Expect(failure.Box).ToContainTextAsync($"Expected end: {now.AddHours(1):yyyy-MM-dd HH:mm} UTC.");
            await Expect(banner.Heading).ToHaveTextAsync("Maintenance in progress");
        }
        finally
        {
            await maintenance.CloseAsync(id);
        }

        // Once closed, sign-in works again.
        var home = await (await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath)).SignInAsync(Demo.Active, Demo.Password);
        await Expect(home.Heading).ToContainTextAsync("Welcome");
    }

    [Fact]
    public async Task StatusPage_WithUpcomingWindow_ShowsStateTableAndStrip()
    {
        // Act
        var status = await StatusPage.OpenAsync(await NewPageAsync());

        // Assert
        await Expect(status.State).ToHaveAttributeAsync("data-state", "normal");
        await Expect(status.State).ToContainTextAsync("No maintenance in progress");
        await Expect(status.Upcoming.Locator($"tr[data-window-id='{maintenance.UpcomingId}']")).ToContainTextAsync(MaintenanceServer.UpcomingMessage);
        await Expect(status.Strip).ToBeVisibleAsync();
        await Expect(status.Strip.Locator("g[data-day]")).ToHaveCountAsync(90);
        await Expect(status.CalendarLink).ToHaveAttributeAsync("href", "/status.ics");
    }

    [Fact]
    public async Task StatusPage_Axe_NoSeriousViolations()
    {
        var status = await StatusPage.OpenAsync(await NewPageAsync());

        await AssertAxeCleanAsync(status.Page, "/status");
    }

    [Fact]
    public async Task PracticeSignInPageWithBanner_Axe_NoSeriousViolations()
    {
        var signIn = await SignInPage.OpenAsync(await NewPageAsync(), Demo.PracticePath);
        await Expect(new MaintenanceBanner(signIn.Page).Box).ToBeVisibleAsync();

        await AssertAxeCleanAsync(signIn.Page, $"{Demo.PracticePath} with the maintenance banner");
    }

    [Fact]
    public async Task StatusPage_NoScriptNeeded_ReadsTheSameWithJavaScriptOff()
    {
        var status = await StatusPage.OpenAsync(await NewPageAsync(javaScript: false));

        await Expect(status.Upcoming).ToContainTextAsync(MaintenanceServer.UpcomingMessage);
        await Expect(status.Strip).ToBeVisibleAsync();
    }

    /// <summary>The span as the banner writes it: one date when both ends fall on it, else both dates.</summary>
    private static string Span(DateTime startUtc, DateTime endUtc, TimeZoneInfo zone)
    {
        var from = TimeZoneInfo.ConvertTimeFromUtc(startUtc, zone);
        var to = TimeZoneInfo.ConvertTimeFromUtc(endUtc, zone);
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return from.Date == to.Date
            ? $"{from.ToString("ddd d MMM yyyy", invariant)}, {from.ToString("HH:mm", invariant)}–{to.ToString("HH:mm", invariant)}"
            : $"{from.ToString("ddd d MMM yyyy HH:mm", invariant)} – {to.ToString("ddd d MMM yyyy HH:mm", invariant)}";
    }

    private async Task<IPage> NewPageAsync(bool javaScript = true)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = maintenance.Server.BaseAddress.ToString(),
            JavaScriptEnabled = javaScript,
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
            Locale = "en-US",
        });
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    private static async Task AssertAxeCleanAsync(IPage page, string where)
    {
        AxeResult result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0,
            $"axe found {serious.Count} serious or critical violation(s) on {where}:\n"
            + string.Join("\n", serious.Select(v =>
                $"- [{v.Impact}] {v.Id}: {v.Help} ({v.HelpUrl})\n"
                + string.Join("\n", v.Nodes.Select(n => $"    {n.Target}: {n.Html}")))));
    }
}

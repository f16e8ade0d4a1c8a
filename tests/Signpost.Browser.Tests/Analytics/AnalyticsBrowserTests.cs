using Microsoft.Playwright;
using Signpost.Browser.Tests.Accessibility;
using Signpost.Browser.Tests.Infrastructure;
using Signpost.Browser.Tests.Pages;
using static Microsoft.Playwright.Assertions;
using static Signpost.Browser.Tests.Docs.Screenshots;

namespace Signpost.Browser.Tests.Analytics;

/// <summary>
/// The analytics pages in Chromium (docs/analytics.md): the platform page for support and the practice's
/// own page for its admin pass every WCAG 2.1 A/AA rule of axe, with their tables open and with a filter
/// that could not be read; the documentation screenshots come from here.
/// </summary>
public sealed class AnalyticsBrowserTests(SignpostBrowserFixture fixture) : BrowserTest(fixture)
{
    /// <summary>Support signs in at the portal's own page (they belong to no practice), a practice admin at their practice's.</summary>
    private async Task<IPage> SignedInAsync(string who, int width = 1280, int height = 720) =>
        (await (await SignInPage.OpenAsync(await NewPageAsync(width: width, height: height), who == Demo.Support ? "/sign-in" : Demo.PracticePath)).SignInAsync(who, Demo.Password)).Page;

    /// <summary>
    /// Opens an analytics page once the job has counted the demo's history: the job runs at start, but a
    /// test may be first to ask. Reloads until the failures-by-reason table has rows (30 s at most).
    /// </summary>
    private static async Task OpenCountedAsync(IPage page, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await page.GotoAsync(path);
            if (await page.Locator("[data-testid=reasons-table] tr[data-code=invalid_credentials]").CountAsync() > 0 || DateTime.UtcNow > deadline)
            {
                return;
            }

            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task PlatformAnalytics_Support_AxeCleanWithTablesOpenAndWithAFilterProblem()
    {
        // Arrange
        var page = await SignedInAsync(Demo.Support);

        // Act: the demo's four weeks of made-up history, once the analytics job has counted them.
        await OpenCountedAsync(page, "/platform/analytics");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign-in analytics");
        await Expect(page.Locator("[data-testid=reasons-table] tr[data-code=network_not_allowed]")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("causes-chart").GetByRole(AriaRole.Img)).ToBeVisibleAsync();
        await page.GetByText("Failures per day and category").ClickAsync();

        // Assert
        await Wcag21AA.AssertNoViolationsAsync(page, "/platform/analytics with the per-day table open");
        await page.GotoAsync("/platform/analytics?from=yesterday");
        await Expect(page.GetByTestId("problems")).ToContainTextAsync("From: Write the day as YYYY-MM-DD.");
        await Wcag21AA.AssertNoViolationsAsync(page, "/platform/analytics with a filter problem");
    }

    [Fact]
    public async Task PracticeAnalytics_ItsAdmin_AxeCleanAndReachedFromTheConsole()
    {
        // Arrange
        var page = await SignedInAsync(Demo.Admin);
        await page.GotoAsync("/admin/" + Demo.Slug);

        // Act
        await page.GetByTestId("analytics-link").ClickAsync();

        // Assert
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Sign-in analytics · {Demo.PracticeName}");
        await Expect(page.GetByTestId("todo-links").GetByRole(AriaRole.Link)).ToHaveCountAsync(4);
        await page.GetByText("Failures per day and category").ClickAsync();
        await Wcag21AA.AssertNoViolationsAsync(page, "/admin/riverside/analytics with the per-day table open");
    }

    [Fact]
    public async Task AnalyticsPages_WriteScreenshots()
    {
        // Arrange
        var support = await SignedInAsync(Demo.Support, Width, Height);
        var admin = await SignedInAsync(Demo.Admin, Width, Height);

        // Act
        await OpenCountedAsync(support, "/platform/analytics");
        var platform = await TakeAsync(support, "analytics.png");
        await admin.GotoAsync($"/admin/{Demo.Slug}/analytics");
        var practice = await TakeAsync(admin, "analytics-practice.png");

        // Assert
        // Long pages: every chart with its table, full of the demo's history.
        AssertPng(platform, 6 * Height);
        AssertPng(practice, 6 * Height);
    }
}

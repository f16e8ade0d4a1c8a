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

    [Fact]
    public async Task PlatformAnalytics_Support_AxeCleanWithTablesOpenAndWithAFilterProblem()
    {
        // Arrange
        var page = await SignedInAsync(Demo.Support);

        // Act
        await page.GotoAsync("/platform/analytics");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign-in analytics");
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
        await support.GotoAsync("/platform/analytics");
        var platform = await TakeAsync(support, "analytics.png");
        await admin.GotoAsync($"/admin/{Demo.Slug}/analytics");
        var practice = await TakeAsync(admin, "analytics-practice.png");

        // Assert
        // Long pages: every chart with its table.
        AssertPng(platform, 5 * Height);
        AssertPng(practice, 5 * Height);
    }
}

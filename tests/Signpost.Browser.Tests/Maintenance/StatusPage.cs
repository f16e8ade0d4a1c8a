using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Maintenance;

/// <summary>The public status page, <c>/status</c>.</summary>
public sealed class StatusPage
{
    private StatusPage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    /// <summary>The headline box: normal, in progress or overrunning (its <c>data-state</c>).</summary>
    public ILocator State => Page.GetByTestId("status-state");

    public ILocator Upcoming => Page.GetByTestId("status-upcoming");

    /// <summary>The 90-day picture, found as a screen reader finds it: an image with its title for a name.</summary>
    public ILocator Strip => Page.GetByRole(AriaRole.Img, new() { Name = "Maintenance per day, the last 90 days" });

    public ILocator CalendarLink => Page.GetByRole(AriaRole.Link, new() { Name = "Calendar feed" });

    public static async Task<StatusPage> OpenAsync(IPage page, string path = "/status")
    {
        await page.GotoAsync(path);
        return await ExpectAsync(page);
    }

    public static async Task<StatusPage> ExpectAsync(IPage page)
    {
        var status = new StatusPage(page);
        await Expect(status.Heading).ToHaveTextAsync("Service status");
        return status;
    }
}

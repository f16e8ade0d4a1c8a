using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>The help desk's incident queue (<c>/support/incidents</c>) with its filters.</summary>
public sealed class IncidentQueuePage
{
    public const string Path = "/support/incidents";

    private IncidentQueuePage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Incidents => Page.GetByTestId("incidents");

    /// <summary>The queue's row for one incident, by its ID.</summary>
    public ILocator Row(string incidentId) => Incidents.Locator($"tr[data-incident='{incidentId}']");

    public static async Task<IncidentQueuePage> OpenAsync(IPage page)
    {
        await page.GotoAsync(Path);
        return await ExpectAsync(page);
    }

    public static async Task<IncidentQueuePage> ExpectAsync(IPage page)
    {
        var queue = new IncidentQueuePage(page);
        await Expect(queue.Heading).ToHaveTextAsync("Incidents");
        return queue;
    }

    public async Task<IncidentPage> OpenIncidentAsync(string incidentId)
    {
        await Row(incidentId).GetByRole(AriaRole.Link).ClickAsync();
        return await IncidentPage.ExpectAsync(Page, incidentId);
    }
}

using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>The support console's search (<c>/support</c>): trace ID, provider ID, email, NPI, practice or TIN.</summary>
public sealed class SupportSearchPage
{
    public const string Path = "/support";

    private SupportSearchPage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Query => Page.GetByLabel("Trace ID, provider ID, email, NPI, practice or TIN");

    public ILocator AccountResults => Page.GetByTestId("account-results");

    public ILocator PracticeResults => Page.GetByTestId("practice-results");

    public ILocator IncidentQueueLink => Page.GetByTestId("incident-queue");

    public static async Task<SupportSearchPage> OpenAsync(IPage page)
    {
        await page.GotoAsync(Path);
        var search = new SupportSearchPage(page);
        await Expect(search.Heading).ToHaveTextAsync("Support console");
        return search;
    }

    /// <summary>Types the query and presses "Search"; the caller decides where that should lead.</summary>
    public async Task SearchAsync(string query)
    {
        await Query.FillAsync(query);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
    }

    /// <summary>A trace ID opens its attempt directly.</summary>
    public async Task<SupportAttemptPage> SearchTraceAsync(string traceId)
    {
        await SearchAsync(traceId);
        return await SupportAttemptPage.ExpectAsync(Page, traceId);
    }

    public async Task<IncidentQueuePage> OpenIncidentQueueAsync()
    {
        await IncidentQueueLink.ClickAsync();
        return await IncidentQueuePage.ExpectAsync(Page);
    }
}

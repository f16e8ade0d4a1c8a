using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>One incident as the help desk works it (<c>/support/incidents/{id}</c>).</summary>
public sealed class IncidentPage
{
    private IncidentPage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Title => Page.GetByTestId("incident-title");

    public ILocator Status => Page.GetByTestId("incident-status");

    public ILocator Assignee => Page.GetByTestId("incident-assignee");

    public ILocator Description => Page.GetByTestId("incident-description");

    public ILocator DataPoints => Page.GetByTestId("incident-data");

    public ILocator Screenshot => Page.GetByTestId("incident-screenshot");

    public ILocator Saved => Page.GetByTestId("saved");

    public ILocator Form => Page.GetByTestId("incident-form");

    public static async Task<IncidentPage> OpenAsync(IPage page, string incidentId)
    {
        await page.GotoAsync($"/support/incidents/{incidentId}");
        return await ExpectAsync(page, incidentId);
    }

    public static async Task<IncidentPage> ExpectAsync(IPage page, string incidentId)
    {
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/support/incidents/{incidentId}(\\?.*)?$"));
        var incident = new IncidentPage(page);
        await Expect(incident.Form).ToBeVisibleAsync();
        return incident;
    }

    /// <summary>The screenshot's decoded width: 0 when the image did not load.</summary>
    public Task<int> ScreenshotNaturalWidthAsync() =>
        Screenshot.EvaluateAsync<int>("img => img.decode().then(() => img.naturalWidth, () => 0)");

    public Task AssignToMeAsync() => PressAsync("Assign to me");

    public Task ResolveAsync() => PressAsync("Resolve");

    private async Task PressAsync(string button)
    {
        await Form.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await Expect(Saved).ToBeVisibleAsync();
    }
}

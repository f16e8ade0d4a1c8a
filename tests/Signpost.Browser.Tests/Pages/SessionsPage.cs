using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>"Where you're signed in": the account's sessions.</summary>
public sealed class SessionsPage
{
    private SessionsPage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Rows => Page.GetByTestId("sessions").Locator("tbody tr");

    public static async Task<SessionsPage> OpenAsync(IPage page)
    {
        await page.GotoAsync("/account/sessions");
        var sessions = new SessionsPage(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Where you're signed in");
        return sessions;
    }
}

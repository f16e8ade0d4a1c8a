using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>One account as support sees it (<c>/support/accounts/{id}</c>): facts, diagnosis, timeline, unlock and send-link.</summary>
public sealed class SupportAccountPage
{
    private SupportAccountPage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Facts => Page.GetByTestId("account-facts");

    public ILocator Diagnosis => Page.GetByTestId("diagnosis");

    public ILocator Timeline => Page.GetByTestId("timeline");

    public ILocator UnlockButton => Page.GetByTestId("unlock");

    public ILocator SendLinkButton => Page.GetByTestId("send-link");

    /// <summary>Timeline rows of one kind: "attempt", "incident"...</summary>
    public ILocator TimelineRows(string kind) => Timeline.Locator($"tbody tr[data-kind='{kind}']");

    public static async Task<SupportAccountPage> ExpectAsync(IPage page)
    {
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/support/accounts/[^/]+$"));
        var account = new SupportAccountPage(page);
        await Expect(account.Facts).ToBeVisibleAsync();
        return account;
    }
}

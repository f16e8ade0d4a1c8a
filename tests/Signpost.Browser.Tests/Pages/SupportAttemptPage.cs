using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>One sign-in attempt as support sees it (<c>/support/attempts/{traceId}</c>): the event and its diagnosis.</summary>
public sealed class SupportAttemptPage
{
    private SupportAttemptPage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator ExactReason => Page.GetByTestId("exact-reason");

    public ILocator ShownReason => Page.GetByTestId("shown-reason");

    public ILocator Diagnosis => Page.GetByTestId("diagnosis");

    public ILocator RootCause => Page.GetByTestId("root-cause");

    public ILocator AccountLink => Page.GetByTestId("account-link");

    public static async Task<SupportAttemptPage> ExpectAsync(IPage page, string traceId)
    {
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/support/attempts/{traceId}$"));
        var attempt = new SupportAttemptPage(page);
        await Expect(attempt.Heading).ToContainTextAsync(traceId);
        return attempt;
    }

    public async Task<SupportAccountPage> FollowAccountLinkAsync()
    {
        await AccountLink.ClickAsync();
        return await SupportAccountPage.ExpectAsync(Page);
    }
}

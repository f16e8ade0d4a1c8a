using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>The failure box every page shows the same way (Pages/Shared/_Failure.cshtml).</summary>
public sealed class FailureBox(ILocator box)
{
    public ILocator Box => box;

    public ILocator Title => box.GetByRole(AriaRole.Heading);

    public ILocator TraceId => box.GetByTestId("trace-id");

    public ILocator Time => box.Locator("time");

    /// <summary>The reason code's help page; the box's other link is "Can't sign in?".</summary>
    public ILocator HelpLink => box.Locator("a[href^='/help/codes/']");

    public ILocator CantSignInLink => box.GetByTestId("cant-sign-in");

    /// <summary>The reason code, from the box's <c>data-code</c>.</summary>
    public async Task<string?> CodeAsync() => await box.GetAttributeAsync("data-code");

    /// <summary>The moment the box states, read from its machine-readable <c>datetime</c>.</summary>
    public async Task<DateTimeOffset> OccurredAtAsync() =>
        DateTimeOffset.Parse(await Time.GetAttributeAsync("datetime") ?? "", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<HelpCodePage> FollowHelpLinkAsync()
    {
        await HelpLink.ClickAsync();
        var page = box.Page;
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/help/codes/[a-z_]+$"));
        return new HelpCodePage(page);
    }

    /// <summary>"Can't sign in?", which carries the attempt's trace ID.</summary>
    public async Task<CantSignInPage> FollowCantSignInLinkAsync()
    {
        await CantSignInLink.ClickAsync();
        return await CantSignInPage.ExpectAsync(box.Page);
    }
}

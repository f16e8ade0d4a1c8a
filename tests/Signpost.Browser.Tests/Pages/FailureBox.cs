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

    public ILocator HelpLink => box.GetByRole(AriaRole.Link);

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
}

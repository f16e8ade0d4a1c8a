using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>
/// The unlock link's page, <c>/unlock/confirm?token=</c>: opening it changes nothing but trust; the button unlocks
/// (mail scanners open links on their own).
/// </summary>
public sealed partial class UnlockConfirmPage
{
    private UnlockConfirmPage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    /// <summary>The account the link is for.</summary>
    public ILocator Username => Page.GetByTestId("username");

    public ILocator UnlockButton => Page.GetByRole(AriaRole.Button, new() { Name = "Unlock my account" });

    /// <summary>The success box, its reason code in <c>data-code</c>.</summary>
    public ILocator Unlocked => Page.GetByTestId("unlocked");

    public FailureBox Failure => new(Page.GetByTestId("failure"));

    public static async Task<UnlockConfirmPage> OpenAsync(IPage page, string link)
    {
        await page.GotoAsync(link);
        await Expect(page).ToHaveURLAsync(ConfirmUrl());
        var confirm = new UnlockConfirmPage(page);
        await Expect(confirm.Heading).ToHaveTextAsync("Unlock your account");
        return confirm;
    }

    public async Task UnlockAsync()
    {
        await UnlockButton.ClickAsync();
        await Expect(Unlocked).ToBeVisibleAsync();
    }

    public async Task<SignInPage> GoToSignInAsync()
    {
        await Unlocked.GetByRole(AriaRole.Link, new() { Name = "Go to sign-in" }).ClickAsync();
        return await SignInPage.ExpectAsync(Page);
    }

    [GeneratedRegex(@"/unlock/confirm(\?.*)?$")]
    private static partial Regex ConfirmUrl();
}

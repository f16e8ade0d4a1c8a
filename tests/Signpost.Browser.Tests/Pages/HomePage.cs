using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>The portal's home after sign-in: who you are and your practices.</summary>
public sealed partial class HomePage
{
    private HomePage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Username => Page.GetByTestId("username");

    public ILocator Practices => Page.GetByTestId("practices");

    /// <summary>The note shown after a password change (one of the page's status messages).</summary>
    public ILocator PasswordChangedNotice => Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your password is changed" });

    public static async Task<HomePage> ExpectAsync(IPage page)
    {
        await Expect(page).ToHaveURLAsync(HomeUrl());
        var home = new HomePage(page);
        await Expect(home.Heading).ToContainTextAsync("Welcome");
        return home;
    }

    [GeneratedRegex(@"^https?://[^/]+/(\?.*)?$")]
    private static partial Regex HomeUrl();
}

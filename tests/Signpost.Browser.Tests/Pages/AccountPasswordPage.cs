using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>"Change your password" while signed in, <c>/account/password</c>.</summary>
public sealed class AccountPasswordPage
{
    public const string Path = "/account/password";

    private AccountPasswordPage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Current => Page.GetByLabel("Current password", new() { Exact = true });

    public ILocator NewPassword => Page.GetByLabel("New password", new() { Exact = true });

    public ILocator Confirm => Page.GetByLabel("New password again", new() { Exact = true });

    /// <summary>The strength guide's words (Shared/_PasswordMeter.cshtml), shown once a new password is typed with JavaScript on.</summary>
    public ILocator StrengthGuide => Page.Locator("[data-meter-feedback]");

    public static async Task<AccountPasswordPage> OpenAsync(IPage page)
    {
        await page.GotoAsync(Path);
        var password = new AccountPasswordPage(page);
        await Expect(password.Heading).ToHaveTextAsync("Change your password");
        return password;
    }
}

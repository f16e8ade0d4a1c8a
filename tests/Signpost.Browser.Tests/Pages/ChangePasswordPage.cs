using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>"Choose a new password", reached after a proven but expired password.</summary>
public sealed class ChangePasswordPage
{
    private ChangePasswordPage(IPage page) => Page = page;

    public IPage Page { get; }

    /// <summary>Path and query of the page, ticket included.</summary>
    public string PathAndQuery => new Uri(Page.Url).PathAndQuery;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    /// <summary>Why the change is asked for (the reason's title and message).</summary>
    public ILocator Notice => Page.Locator(".notice");

    public ILocator Current => Page.GetByLabel("Current password", new() { Exact = true });

    public ILocator NewPassword => Page.GetByLabel("New password", new() { Exact = true });

    public ILocator Confirm => Page.GetByLabel("New password again", new() { Exact = true });

    public ILocator SubmitButton => Page.GetByRole(AriaRole.Button, new() { Name = "Change password and continue" });

    public static async Task<ChangePasswordPage> ExpectAsync(IPage page)
    {
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/change-password\\?"));
        var change = new ChangePasswordPage(page);
        await Expect(change.Heading).ToHaveTextAsync("Choose a new password");
        return change;
    }

    public static async Task<ChangePasswordPage> OpenAsync(IPage page, string pathAndQuery)
    {
        await page.GotoAsync(pathAndQuery);
        return await ExpectAsync(page);
    }

    public async Task<HomePage> ChangeAsync(string current, string newPassword)
    {
        await Current.FillAsync(current);
        await NewPassword.FillAsync(newPassword);
        await Confirm.FillAsync(newPassword);
        await SubmitButton.ClickAsync();
        return await HomePage.ExpectAsync(Page);
    }
}

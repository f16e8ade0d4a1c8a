using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>The activation link's page, <c>/activate?token=</c>: the first password, twice.</summary>
public sealed partial class ActivatePage
{
    private ActivatePage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    /// <summary>"Choose a password for {username}."</summary>
    public ILocator Intro => Page.GetByText("Choose a password for");

    public ILocator NewPassword => Page.GetByLabel("New password", new() { Exact = true });

    public ILocator Confirm => Page.GetByLabel("New password again", new() { Exact = true });

    public ILocator SubmitButton => Page.GetByRole(AriaRole.Button, new() { Name = "Set password" });

    /// <summary>The strength guide's words (Shared/_PasswordMeter.cshtml), shown once a new password is typed with JavaScript on.</summary>
    public ILocator StrengthGuide => Page.Locator("[data-meter-feedback]");

    public ILocator Activated => Page.GetByTestId("activated");

    public FailureBox Failure => new(Page.GetByTestId("failure"));

    public static async Task<ActivatePage> OpenAsync(IPage page, string link)
    {
        await page.GotoAsync(link);
        await Expect(page).ToHaveURLAsync(ActivateUrl());
        var activate = new ActivatePage(page);
        await Expect(activate.Heading).ToHaveTextAsync("Activate your account");
        return activate;
    }

    public async Task ActivateAsync(string password)
    {
        await NewPassword.FillAsync(password);
        await Confirm.FillAsync(password);
        await SubmitButton.ClickAsync();
        await Expect(Activated).ToBeVisibleAsync();
    }

    public async Task<SignInPage> GoToSignInAsync()
    {
        await Activated.GetByRole(AriaRole.Link, new() { Name = "Go to sign-in" }).ClickAsync();
        return await SignInPage.ExpectAsync(Page);
    }

    [GeneratedRegex(@"/activate(\?.*)?$")]
    private static partial Regex ActivateUrl();
}

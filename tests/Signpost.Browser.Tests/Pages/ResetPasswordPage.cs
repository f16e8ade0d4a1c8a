using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>The reset link's page, <c>/reset-password?token=</c>: the new password twice, then "Password reset".</summary>
public sealed partial class ResetPasswordPage
{
    private ResetPasswordPage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    /// <summary>The account the link is for.</summary>
    public ILocator Username => Page.GetByTestId("username");

    public ILocator NewPassword => Page.GetByLabel("New password", new() { Exact = true });

    public ILocator Confirm => Page.GetByLabel("New password again", new() { Exact = true });

    public ILocator SubmitButton => Page.GetByRole(AriaRole.Button, new() { Name = "Set the new password" });

    /// <summary>The strength guide's words (Shared/_PasswordMeter.cshtml), shown once a new password is typed with JavaScript on.</summary>
    public ILocator StrengthGuide => Page.Locator("[data-meter-feedback]");

    /// <summary>The success box, its reason code in <c>data-code</c>.</summary>
    public ILocator Done => Page.GetByTestId("reset-done");

    public FailureBox Failure => new(Page.GetByTestId("failure"));

    /// <summary>Opens a link from an email (absolute, or a path of the app).</summary>
    public static async Task<ResetPasswordPage> OpenAsync(IPage page, string link)
    {
        await page.GotoAsync(link);
        await Expect(page).ToHaveURLAsync(ResetUrl());
        var reset = new ResetPasswordPage(page);
        await Expect(reset.Heading).ToHaveTextAsync("Choose a new password");
        return reset;
    }

    /// <summary>Types the new password twice, presses the button and waits for the success box.</summary>
    public async Task ResetAsync(string newPassword)
    {
        await NewPassword.FillAsync(newPassword);
        await Confirm.FillAsync(newPassword);
        await SubmitButton.ClickAsync();
        await Expect(Done).ToBeVisibleAsync();
    }

    public async Task<SignInPage> GoToSignInAsync()
    {
        await Done.GetByRole(AriaRole.Link, new() { Name = "Go to sign-in" }).ClickAsync();
        return await SignInPage.ExpectAsync(Page);
    }

    [GeneratedRegex(@"/reset-password(\?.*)?$")]
    private static partial Regex ResetUrl();
}

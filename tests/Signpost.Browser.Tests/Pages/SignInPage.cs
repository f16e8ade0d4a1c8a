using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>The sign-in form, generic (<c>/sign-in</c>) or a practice's (<c>/o/{slug}</c>).</summary>
public sealed class SignInPage
{
    private SignInPage(IPage page) => Page = page;

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Identifier => Page.GetByLabel("Provider ID, email or NPI");

    public ILocator Password => Page.GetByLabel("Password", new() { Exact = true });

    public ILocator SubmitButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });

    public ILocator CapsLockWarning => Page.GetByTestId("capslock-warning");

    public FailureBox Failure => new(Page.GetByTestId("failure"));

    public ILocator ForgotPasswordLink => Page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" });

    public ILocator AccountLockedLink => Page.GetByRole(AriaRole.Link, new() { Name = "Account locked?" });

    public static async Task<SignInPage> OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        return await ExpectAsync(page);
    }

    /// <summary>The sign-in page, reached by a link.</summary>
    public static async Task<SignInPage> ExpectAsync(IPage page)
    {
        var signIn = new SignInPage(page);
        await Expect(signIn.Heading).ToContainTextAsync("Sign in");
        return signIn;
    }

    public async Task<RecoveryRequestPage> FollowForgotPasswordLinkAsync()
    {
        await ForgotPasswordLink.ClickAsync();
        return await RecoveryRequestPage.ExpectAsync(Page, RecoveryRequestPage.ForgotPasswordPath);
    }

    public async Task<RecoveryRequestPage> FollowAccountLockedLinkAsync()
    {
        await AccountLockedLink.ClickAsync();
        return await RecoveryRequestPage.ExpectAsync(Page, RecoveryRequestPage.UnlockPath);
    }

    /// <summary>Fills the form and presses "Sign in"; the caller decides what should follow.</summary>
    public async Task SubmitAsync(string identifier, string password)
    {
        await Identifier.FillAsync(identifier);
        await Password.FillAsync(password);
        await SubmitButton.ClickAsync();
    }

    /// <summary>
    /// A key pressed and released in the password field with Caps Lock on or off. Playwright's keyboard
    /// cannot switch Caps Lock on in headless Chromium (getModifierState("CapsLock") stays false after
    /// pressing "CapsLock"), so the key events carry the modifier state as a real keyboard's would; the
    /// page's own sign-in.js still does the rest.
    /// </summary>
    public async Task PressKeyInPasswordAsync(string key, bool capsLock)
    {
        await Password.FocusAsync();
        foreach (var type in new[] { "keydown", "keyup" })
        {
            await Password.DispatchEventAsync(type, new Dictionary<string, object> { ["key"] = key, ["modifierCapsLock"] = capsLock });
        }
    }

    public async Task<HomePage> SignInAsync(string identifier, string password)
    {
        await SubmitAsync(identifier, password);
        return await HomePage.ExpectAsync(Page);
    }

    public async Task<FailureBox> SignInExpectingFailureAsync(string identifier, string password)
    {
        await SubmitAsync(identifier, password);
        await Expect(Failure.Box).ToBeVisibleAsync();
        return Failure;
    }

    public async Task<ChangePasswordPage> SignInExpectingPasswordChangeAsync(string identifier, string password)
    {
        await SubmitAsync(identifier, password);
        return await ChangePasswordPage.ExpectAsync(Page);
    }
}

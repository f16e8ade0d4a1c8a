using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Signpost.Browser.Tests.Pages;

/// <summary>
/// "Reset your password" (<c>/forgot-password</c>) and "Unlock your account" (<c>/unlock</c>): one identifier
/// in, and "Check your email" out whether or not an account matches.
/// </summary>
public sealed class RecoveryRequestPage
{
    public const string ForgotPasswordPath = "/forgot-password";
    public const string UnlockPath = "/unlock";

    private readonly string _button;

    private RecoveryRequestPage(IPage page, string button)
    {
        Page = page;
        _button = button;
    }

    public IPage Page { get; }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Identifier => Page.GetByLabel("Provider ID, email or NPI");

    public ILocator SubmitButton => Page.GetByRole(AriaRole.Button, new() { Name = _button });

    /// <summary>The answer box, its reason code in <c>data-code</c>.</summary>
    public ILocator Answer => Page.GetByTestId("answer");

    public ILocator AnswerHeading => Answer.GetByRole(AriaRole.Heading);

    public ILocator AnswerTraceId => Answer.GetByTestId("trace-id");

    public FailureBox Failure => new(Page.GetByTestId("failure"));

    /// <summary>Opens <see cref="ForgotPasswordPath"/> or <see cref="UnlockPath"/>.</summary>
    public static async Task<RecoveryRequestPage> OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        return await ExpectAsync(page, path);
    }

    public static async Task<RecoveryRequestPage> ExpectAsync(IPage page, string path)
    {
        var (heading, button) = path switch
        {
            ForgotPasswordPath => ("Reset your password", "Email me a reset link"),
            UnlockPath => ("Unlock your account", "Email me an unlock link"),
            _ => throw new ArgumentException($"{path} is not a recovery request page.", nameof(path)),
        };
        await Expect(page).ToHaveURLAsync(new Regex("^https?://[^/]+" + Regex.Escape(path) + "$"));
        var request = new RecoveryRequestPage(page, button);
        await Expect(request.Heading).ToHaveTextAsync(heading);
        return request;
    }

    /// <summary>Types the identifier, presses the button and waits for "Check your email".</summary>
    public async Task RequestAsync(string identifier)
    {
        await Identifier.FillAsync(identifier);
        await SubmitButton.ClickAsync();
        await Expect(AnswerHeading).ToHaveTextAsync("Check your email");
    }
}

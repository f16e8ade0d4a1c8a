using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.SignIn;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Account;

/// <summary>
/// Change password while signed in: the current password (counted by the same lockout as sign-in) and a
/// new one under the policy; every other session ends and this browser continues in a new one.
/// </summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public sealed class PasswordModel(PasswordSignIn pipeline, IAccountStore accounts, Core.Mfa.SecondFactorCheck secondFactor) : PageModel
{
    public string Username { get; private set; } = "";

    /// <summary>The shortest new password the policy takes for this person: 8 with a second factor, 15 without (docs/passwords.md).</summary>
    public int MinimumLength { get; private set; } = Core.Passwords.PasswordPolicy.MinimumLengthSingleFactor;
    public FailureView? Failure { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) is null ? Redirect("/sign-in") : Page();

    public async Task<IActionResult> OnPostAsync(string? current, string? newPassword, string? confirm, CancellationToken cancellationToken)
    {
        var account = await LoadAsync(cancellationToken);
        if (account is null)
        {
            return Redirect("/sign-in");
        }

        var javaScript = Request.Form[FormGuard.JavaScriptField].ToString() == "1";
        if (newPassword != confirm)
        {
            Failure = await PasswordChangeForms.MismatchAsync(HttpContext, Username, cookiesWorking: true, javaScriptWorking: javaScript);
            return Page();
        }

        var request = new PasswordSignInRequest(account.Username, current, null, SignInMethod.ChangePassword, HttpContext.GetTraceId(),
            ClientFactsReader.Read(HttpContext, cookiesWorking: true, javaScriptWorking: javaScript));
        Failure = await PasswordChangeForms.ChangeAsync(HttpContext, pipeline, account.Id, request, newPassword, cancellationToken);
        return Failure is null ? LocalRedirect(PasswordChangeForms.ChangedUrl) : Page();
    }

    private async Task<Core.Accounts.Account?> LoadAsync(CancellationToken cancellationToken)
    {
        var account = Guid.TryParse(User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? await accounts.FindByIdAsync(id, cancellationToken) : null;
        Username = account?.Username ?? "";
        if (account is not null && await secondFactor.BacksPasswordAsync(account, cancellationToken))
        {
            MinimumLength = Core.Passwords.PasswordPolicy.MinimumLengthWithMfa;
        }

        return account;
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Account;

/// <summary>
/// Change password while signed in: the current password (counted by the same lockout as sign-in) and a
/// new one under the policy; every other session ends and this browser continues in a new one.
/// </summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public sealed class PasswordModel(PasswordSignIn pipeline, IAccountStore accounts) : PageModel
{
    public string Username { get; private set; } = "";
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
            var mismatch = await EdgeRejections.RecordAsync(HttpContext, ReasonCodes.PasswordNotAccepted, Username, SignInMethod.ChangePassword,
                "The two new passwords differ.", cookiesWorking: true, javaScriptWorking: javaScript, problems: ["The two new passwords are not the same."]);
            Failure = FailureView.From(mismatch);
            return Page();
        }

        var request = new PasswordSignInRequest(account.Username, current, null, SignInMethod.ChangePassword, HttpContext.GetTraceId(),
            ClientFactsReader.Read(HttpContext, cookiesWorking: true, javaScriptWorking: javaScript));
        var result = await pipeline.ChangePasswordAsync(account.Id, request, newPassword, cancellationToken);
        if (result.Succeeded)
        {
            ClientFactsReader.WriteSignInCookies(HttpContext, result);
            return LocalRedirect("/?notice=password-changed");
        }

        Failure = FailureView.From(result);
        return Page();
    }

    private async Task<Core.Accounts.Account?> LoadAsync(CancellationToken cancellationToken)
    {
        var account = Guid.TryParse(User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? await accounts.FindByIdAsync(id, cancellationToken) : null;
        Username = account?.Username ?? "";
        return account;
    }
}

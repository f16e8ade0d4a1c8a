using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;
using Signpost.Web.Infrastructure;
using Signpost.Web.Pages;

namespace Signpost.Web.Pages.Account;

/// <summary>
/// After "password expired" or "reset required": current + new password, then into the portal — or back to where the
/// sign-in was going (a portal's authorization request), through <c>returnUrl</c>, local only (docs/oidc-provider.md "Detours").
/// </summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public sealed class ChangePasswordModel(PasswordSignIn pipeline, PasswordChangeTickets tickets, IAccountStore accounts) : PageModel
{
    public bool TicketInvalid { get; private set; }
    public string? Ticket { get; private set; }
    public string? Username { get; private set; }
    public Reason? Why { get; private set; }
    public FailureView? Failure { get; private set; }

    /// <summary>Where the sign-in was going, when local (the form carries it); null for home.</summary>
    public string? ReturnUrl { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? ticket, string? returnUrl, CancellationToken cancellationToken)
    {
        await LoadAsync(ticket, returnUrl, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? ticket, string? current, string? newPassword, string? confirm, string? returnUrl, CancellationToken cancellationToken)
    {
        var accountId = await LoadAsync(ticket, returnUrl, cancellationToken);
        if (accountId is null)
        {
            return Page();
        }

        var javaScript = Request.Form[FormGuard.JavaScriptField].ToString() == "1";
        var request = new PasswordSignInRequest(Username, current, null, SignInMethod.ChangePassword, HttpContext.GetTraceId(),
            ClientFactsReader.Read(HttpContext, cookiesWorking: true, javaScriptWorking: javaScript));
        if (newPassword != confirm)
        {
            // Recorded without the client's cookie and script facts, as before this page shared its form.
            Failure = await PasswordChangeForms.MismatchAsync(HttpContext, Username, cookiesWorking: null, javaScriptWorking: null);
            return Page();
        }

        Failure = await PasswordChangeForms.ChangeAsync(HttpContext, pipeline, accountId.Value, request, newPassword, cancellationToken);
        if (Failure is not null)
        {
            return Page();
        }

        // A portal's sign-in resumes at once (the new session answers its authorization request); any other return
        // address is offered beside the "changed" notice.
        return ReturnUrl is not null && OpenIdProvider.AuthorizeHandoff.IsAuthorizeRequest(ReturnUrl)
            ? await OpenIdProvider.AuthorizeHandoff.RedirectAsync(HttpContext, ReturnUrl, cancellationToken)
            : LocalRedirect(SignInModel.WithReturn(PasswordChangeForms.ChangedUrl, ReturnUrl));
    }

    private async Task<Guid?> LoadAsync(string? ticket, string? returnUrl, CancellationToken cancellationToken)
    {
        ReturnUrl = LocalUrls.IsLocal(returnUrl) && returnUrl != "/" ? returnUrl : null;
        var accountId = tickets.Read(ticket);
        var account = accountId is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;
        if (account is null)
        {
            TicketInvalid = true;
            return null;
        }

        Ticket = ticket;
        Username = account.Username;
        // Said from the account's own state, never from the URL, so a crafted link cannot make the page claim anything.
        Why = ReasonCatalogue.Get(account.MustChangePassword ? ReasonCodes.PasswordResetRequired : ReasonCodes.PasswordExpired);
        return account.Id;
    }
}

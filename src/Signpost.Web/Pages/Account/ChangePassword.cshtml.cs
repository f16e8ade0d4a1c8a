using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Account;

/// <summary>After "password expired" or "reset required": current + new password, then into the portal.</summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public sealed class ChangePasswordModel(PasswordSignIn pipeline, PasswordChangeTickets tickets, IAccountStore accounts) : PageModel
{
    public bool TicketInvalid { get; private set; }
    public string? Ticket { get; private set; }
    public string? Username { get; private set; }
    public Reason? Why { get; private set; }
    public FailureView? Failure { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? ticket, CancellationToken cancellationToken)
    {
        await LoadAsync(ticket, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? ticket, string? current, string? newPassword, string? confirm, CancellationToken cancellationToken)
    {
        var accountId = await LoadAsync(ticket, cancellationToken);
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
        return Failure is null ? LocalRedirect(PasswordChangeForms.ChangedUrl) : Page();
    }

    private async Task<Guid?> LoadAsync(string? ticket, CancellationToken cancellationToken)
    {
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

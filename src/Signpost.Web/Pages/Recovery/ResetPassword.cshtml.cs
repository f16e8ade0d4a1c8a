using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.Recovery;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Recovery;

/// <summary>
/// The reset link's page. Opening a valid link makes the browser trusted for the account (a locked
/// account's way out); the new password ends every session and clears every lock; no automatic sign-in.
/// </summary>
[IgnoreAntiforgeryToken]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public sealed class ResetPasswordModel(RecoveryService recovery, FormGuard guard, IOptions<SignpostOptions> signpost) : PageModel
{
    public string FormStamp { get; private set; } = "";
    public string? Token { get; private set; }
    public string? Username { get; private set; }
    public bool Done { get; private set; }
    public string? Note { get; private set; }
    public FailureView? Failure { get; private set; }

    public async Task OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        FormStamp = guard.IssueStamp();
        Token = RecoveryForms.Token(token);
        (Username, Failure) = await RecoveryForms.OpenLinkAsync(HttpContext, recovery, ActionTokenPurpose.PasswordReset, Token, cancellationToken);
    }

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        FormStamp = guard.IssueStamp();
        var (form, failure) = await RecoveryForms.ReadAsync(HttpContext, guard, SignInMethod.PasswordReset, cancellationToken);
        if (form is null)
        {
            Failure = failure;
            Token = RecoveryForms.Token(Request.Query["token"]);
            return;
        }

        Token = RecoveryForms.Token(form["token"]);
        var newPassword = form["newPassword"].ToString();
        var client = ClientFactsReader.Read(HttpContext, cookiesWorking: true, javaScriptWorking: RecoveryForms.JavaScript(form));
        var signedIn = RecoveryForms.SignedInAccount(User);
        if (newPassword != form["confirm"].ToString())
        {
            var (opened, check) = await recovery.OpenAsync(ActionTokenPurpose.PasswordReset, Token, signedIn, HttpContext.GetTraceId(), client, cancellationToken);
            if (!opened.Succeeded)
            {
                Failure = FailureView.From(opened);
                return;
            }

            Username = check.Account!.Username;
            var mismatch = await EdgeRejections.RecordAsync(HttpContext, ReasonCodes.PasswordNotAccepted, Username, SignInMethod.PasswordReset,
                "The two new passwords differ.", cookiesWorking: true, problems: ["The two new passwords are not the same."]);
            Failure = FailureView.From(mismatch);
            return;
        }

        var result = await recovery.ResetAsync(Token, newPassword, signedIn, HttpContext.GetTraceId(), client, signpost.Value.PublicBaseUrl, cancellationToken);
        Done = result.Succeeded;
        Note = result.Note;
        if (!Done)
        {
            // Only a refused password keeps the form: every other failure needs a new link or a sign-out.
            Username = result.Reason.Code == ReasonCodes.PasswordNotAccepted ? result.Account?.Username : null;
            Failure = FailureView.From(result);
        }
    }
}

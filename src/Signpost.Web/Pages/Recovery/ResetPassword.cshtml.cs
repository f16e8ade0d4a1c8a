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
public sealed class ResetPasswordModel(RecoveryService recovery, FormGuard guard, IOptions<SignpostOptions> signpost)
    : RecoveryLinkPageModel(recovery, guard, ActionTokenPurpose.PasswordReset, SignInMethod.PasswordReset)
{
    public string? Note { get; private set; }

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        var form = await ReadFormAsync(cancellationToken);
        if (form is null)
        {
            Token = RecoveryForms.Token(Request.Query["token"]);
            return;
        }

        var newPassword = form["newPassword"].ToString();
        var client = ClientFactsReader.Read(HttpContext, cookiesWorking: true, javaScriptWorking: RecoveryForms.JavaScript(form));
        var signedIn = RecoveryForms.SignedInAccount(User);
        if (newPassword != form["confirm"].ToString())
        {
            var (opened, check) = await Recovery.OpenAsync(ActionTokenPurpose.PasswordReset, Token, signedIn, HttpContext.GetTraceId(), client, cancellationToken);
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

        var result = await Recovery.ResetAsync(Token, newPassword, signedIn, HttpContext.GetTraceId(), client, signpost.Value.PublicBaseUrl, cancellationToken);
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

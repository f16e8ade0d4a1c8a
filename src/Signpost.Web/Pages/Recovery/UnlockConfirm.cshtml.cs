using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Events;
using Signpost.Core.Recovery;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Recovery;

/// <summary>
/// The unlock link's page. Opening it trusts the browser; the unlock itself waits for a click, because
/// mail scanners open links on their own and must not use them up.
/// </summary>
[IgnoreAntiforgeryToken]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public sealed class UnlockConfirmModel(RecoveryService recovery, FormGuard guard) : PageModel
{
    public string FormStamp { get; private set; } = "";
    public string? Token { get; private set; }
    public string? Username { get; private set; }
    public bool Done { get; private set; }
    public FailureView? Failure { get; private set; }

    public async Task OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        FormStamp = guard.IssueStamp();
        Token = RecoveryForms.Token(token);
        (Username, Failure) = await RecoveryForms.OpenLinkAsync(HttpContext, recovery, ActionTokenPurpose.Unlock, Token, cancellationToken);
    }

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        FormStamp = guard.IssueStamp();
        var (form, failure) = await RecoveryForms.ReadAsync(HttpContext, guard, SignInMethod.Unlock, cancellationToken);
        if (form is null)
        {
            Failure = failure;
            return;
        }

        Token = RecoveryForms.Token(form["token"]);
        var client = ClientFactsReader.Read(HttpContext, cookiesWorking: true, javaScriptWorking: RecoveryForms.JavaScript(form));
        var result = await recovery.UnlockAsync(Token, RecoveryForms.SignedInAccount(User), HttpContext.GetTraceId(), client, cancellationToken);
        Done = result.Succeeded;
        if (!Done)
        {
            Failure = FailureView.From(result);
        }
    }
}

using Signpost.Core.Events;
using Signpost.Core.Recovery;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Recovery;

/// <summary>
/// The unlock link's page. Opening it trusts the browser; the unlock itself waits for a click, because
/// mail scanners open links on their own and must not use them up.
/// </summary>
public sealed class UnlockConfirmModel(RecoveryService recovery, FormGuard guard)
    : RecoveryLinkPageModel(recovery, guard, ActionTokenPurpose.Unlock, SignInMethod.Unlock)
{
    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        var form = await ReadFormAsync(cancellationToken);
        if (form is null)
        {
            return;
        }

        var client = ClientFactsReader.Read(HttpContext, cookiesWorking: true, javaScriptWorking: RecoveryForms.JavaScript(form));
        var result = await Recovery.UnlockAsync(Token, RecoveryForms.SignedInAccount(User), HttpContext.GetTraceId(), client, cancellationToken);
        Done = result.Succeeded;
        if (!Done)
        {
            Failure = FailureView.From(result);
        }
    }
}

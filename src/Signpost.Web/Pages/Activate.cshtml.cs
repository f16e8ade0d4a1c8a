using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.Tokens;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages;

/// <summary>Sets the first password through a single-use activation link; no automatic sign-in.</summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public sealed class ActivateModel(ActivationService activation, TimeProvider time) : PageModel
{
    public string? Token { get; private set; }
    public string? Username { get; private set; }
    public bool Done { get; private set; }
    public FailureView? Failure { get; private set; }

    public async Task OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        var (reason, account) = await activation.InspectAsync(token, cancellationToken);
        Token = token;
        if (reason.Code != ReasonCodes.AccountActivated || account is null)
        {
            Failure = new FailureView(reason, reason.UserMessage, HttpContext.GetTraceId(), time.GetUtcNow(), null, []);
            return;
        }

        Username = account.Username;
    }

    public async Task OnPostAsync(string? token, string? newPassword, string? confirm, CancellationToken cancellationToken)
    {
        Token = token;
        var client = ClientFactsReader.Read(HttpContext, cookiesWorking: true);
        if (newPassword != confirm)
        {
            var (_, account) = await activation.InspectAsync(token, cancellationToken);
            Username = account?.Username;
            var mismatch = await EdgeRejections.RecordAsync(HttpContext, ReasonCodes.PasswordNotAccepted, Username, SignInMethod.Activation,
                "The two new passwords differ.", problems: ["The two new passwords are not the same."]);
            Failure = FailureView.From(mismatch);
            return;
        }

        var result = await activation.ActivateAsync(token, newPassword, HttpContext.GetTraceId(), client, cancellationToken);
        Done = result.Succeeded;
        Username = result.Reason.Code == ReasonCodes.PasswordNotAccepted ? result.Account?.Username : null;
        if (!Done)
        {
            Failure = new FailureView(result.Reason, result.Reason.UserMessage, result.TraceId, result.OccurredAt, null, result.Problems);
        }
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.Recovery;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Recovery;

/// <summary>
/// "Forgot password" and "Unlock my account": one identifier in, the same answer out whether or not an
/// account matches. Every request takes at least <see cref="RecoveryOptions.MinimumResponseMilliseconds"/>
/// so the time it takes does not tell whether an email was sent.
/// </summary>
[IgnoreAntiforgeryToken]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
public abstract class RecoveryRequestModel(
    RecoveryService recovery, FormGuard guard, IOptionsMonitor<RecoveryOptions> recoveryOptions, IOptions<SignpostOptions> signpost) : PageModel
{
    public abstract RecoveryKind Kind { get; }
    public string FormStamp { get; private set; } = "";
    public string? Identifier { get; private set; }
    public FailureView? Failure { get; private set; }
    public Reason? Answer { get; private set; }
    public string? TraceId { get; private set; }

    public void OnGet(string? identifier)
    {
        FormStamp = guard.IssueStamp();
        Identifier = identifier is { Length: <= AccountRules.MaxIdentifierLength } ? identifier : null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        FormStamp = guard.IssueStamp();
        var method = Kind == RecoveryKind.PasswordReset ? SignInMethod.PasswordReset : SignInMethod.Unlock;
        var (form, failure) = await RecoveryForms.ReadAsync(HttpContext, guard, method, cancellationToken);
        if (form is not null)
        {
            var identifier = form["identifier"].ToString();
            Identifier = identifier.Length <= AccountRules.MaxIdentifierLength ? identifier : null;
            var client = ClientFactsReader.Read(HttpContext, cookiesWorking: true, javaScriptWorking: RecoveryForms.JavaScript(form));
            var result = await recovery.RequestAsync(Kind, identifier, HttpContext.GetTraceId(), client, signpost.Value.PublicBaseUrl, cancellationToken);
            // Set for every request, matched or not (same cookie, same length): it tells the person nothing.
            HttpContext.RequestServices.GetRequiredService<RecoveryCookie>().Write(HttpContext, result.Account?.Id);
            if (result.Succeeded)
            {
                Answer = result.Reason;
                TraceId = result.TraceId;
            }
            else
            {
                failure = FailureView.From(result);
            }
        }

        Failure = failure;
        var floor = TimeSpan.FromMilliseconds(recoveryOptions.CurrentValue.MinimumResponseMilliseconds) - started.Elapsed;
        if (floor > TimeSpan.Zero)
        {
            await Task.Delay(floor, cancellationToken);
        }

        return Page();
    }
}

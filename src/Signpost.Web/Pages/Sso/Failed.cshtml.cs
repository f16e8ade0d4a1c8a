using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.SignIn;

namespace Signpost.Web.Pages.Sso;

/// <summary>
/// Where every failed single sign-on lands: the reason shown to the person (every SSO reason is public),
/// the trace ID and time, read back from the recorded event so the page says exactly what support will see.
/// </summary>
public sealed class FailedModel(ISignInEventStore events) : PageModel
{
    public FailureView? Failure { get; private set; }
    public string? OrganizationSlug { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? trace, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(trace) || trace.Length > 64)
        {
            return NotFound();
        }

        var recorded = await events.FindByTraceIdAsync(trace, cancellationToken);
        if (recorded is null || recorded.Method != SignInMethod.Sso || recorded.Succeeded)
        {
            return NotFound();
        }

        var shown = ReasonCatalogue.Get(recorded.ShownReasonCode);
        Failure = new FailureView(shown, shown.UserMessage, recorded.TraceId, recorded.OccurredAt, null, []);
        return Page();
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Events;
using Signpost.Core.Troubleshooting;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Support;

/// <summary>One attempt by its trace ID: every field of the sign-in event, the exact reason beside the one shown.</summary>
public sealed class AttemptModel(ISignInEventStore events, Troubleshooter troubleshooter) : PageModel
{
    public SignInEvent Attempt { get; private set; } = null!;
    public Diagnosis? Diagnosis { get; private set; }

    public async Task<IActionResult> OnGetAsync(string traceId, CancellationToken cancellationToken)
    {
        if (!TraceIds.IsWellFormed(traceId) || await events.FindByTraceIdAsync(traceId, cancellationToken) is not { } attempt)
        {
            return NotFound();
        }

        Attempt = attempt;
        Diagnosis = (await troubleshooter.DiagnoseTraceAsync(traceId, DiagnosisAudience.Support, cancellationToken)).Diagnosis;
        return Page();
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Audit;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Troubleshooting;
using Signpost.Web.Infrastructure;
using Signpost.Web.Queries;
using Signpost.Web.Support;

namespace Signpost.Web.Pages.Support;

/// <summary>One line of an account's timeline: an attempt, an administrative change, or an incident (its ID in <c>TraceId</c>).</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Kind, string Title, string? ReasonCode, bool? Succeeded, string? Detail, string? TraceId);

/// <summary>
/// Everything the help desk needs about one person on one page: state, locks, practices, and a timeline
/// that interleaves sign-in attempts (with their exact reasons), recovery steps and administrative changes
/// — plus the acts support may take, each written to the audit trail.
/// </summary>
public sealed class AccountModel(
    SupportQueries queries, ISignInEventStore events, IAuditStore auditStore, Core.Incidents.IIncidentStore incidents, SupportAccountActions actions, AccountHolds holds, Troubleshooter troubleshooter, TimeProvider time) : PageModel
{
    /// <summary>How many attempts and changes the timeline shows.</summary>
    public const int TimelineLength = 100;

    public Core.Accounts.Account Subject { get; private set; } = null!;
    public IReadOnlyList<LockoutCounter> Locks { get; private set; } = [];
    public IReadOnlyList<TimelineEntry> Timeline { get; private set; } = [];
    public Diagnosis? Diagnosis { get; private set; }
    public string? Done { get; private set; }
    public string? Refused { get; private set; }
    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Done = done switch
        {
            "unlock" => "Unlocked: every lock and failure count is cleared.",
            "link" => "Link sent to the address on the account.",
            "hold" => "Held for review: sign-in is refused and every session has ended. Password reset still works.",
            "release" => "Hold released: the person can sign in again.",
            "mfa-reset" => "Two-step verification reset: their authenticators and recovery codes are removed, every session has ended, and the next sign-in asks them to set up a new one. An email tells them.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostUnlockAsync(string id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        await actions.UnlockAsync(Subject, cancellationToken);
        return RedirectToPage(new { id, done = "unlock" });
    }

    /// <summary>The assisted reset of a lost authenticator, after the identity checks (docs/mfa.md, "Lost authenticator").</summary>
    public async Task<IActionResult> OnPostResetSecondFactorAsync(string id, List<string>? checks, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (await actions.ResetSecondFactorAsync(Subject, checks ?? [], HttpContext.GetTraceId(), cancellationToken) is { } why)
        {
            Refused = why;
            return Page();
        }

        return RedirectToPage(new { id, done = "mfa-reset" });
    }

    public async Task<IActionResult> OnPostSendLinkAsync(string id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var sent = await actions.SendLinkAsync(Subject, "The help desk", HttpContext.GetTraceId(), cancellationToken);
        if (!sent.Succeeded)
        {
            Refused = sent.Message;
            return Page();
        }

        return RedirectToPage(new { id, done = "link" });
    }

    /// <summary>Why the account is held or released; required, audited, shown in diagnoses.</summary>
    [BindProperty]
    public string? HoldReason { get; set; }

    public Task<IActionResult> OnPostHoldAsync(string id, CancellationToken cancellationToken) => HoldAsync(id, held: true, cancellationToken);

    public Task<IActionResult> OnPostReleaseAsync(string id, CancellationToken cancellationToken) => HoldAsync(id, held: false, cancellationToken);

    private async Task<IActionResult> HoldAsync(string id, bool held, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var accountId))
        {
            return NotFound();
        }

        var result = held ? await holds.HoldAsync(accountId, HoldReason, cancellationToken) : await holds.ReleaseAsync(accountId, HoldReason, cancellationToken);
        if (result.Outcome == HoldOutcome.UnknownAccount || !await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (result.Outcome != HoldOutcome.Done)
        {
            Refused = result.Problem;
            return Page();
        }

        return RedirectToPage(new { id, done = held ? "hold" : "release" });
    }

    private async Task<bool> LoadAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var accountId))
        {
            return false;
        }

        var account = await queries.FindAccountAsync(accountId, cancellationToken);
        if (account is null)
        {
            return false;
        }

        Subject = account;
        Now = time.GetUtcNow();
        Locks = await queries.ListLocksAsync(accountId, cancellationToken);
        var attempts = (await events.ListForAccountAsync(accountId, TimelineLength, cancellationToken))
            .Select(e => new TimelineEntry(e.OccurredAt, "attempt", $"{e.Method}", e.ReasonCode, e.Succeeded,
                string.Join(" · ", new[] { e.Detail, e.ClientIp, e.Browser is null ? null : $"{e.Browser} {e.BrowserVersion}", e.NetworkLabel }.Where(s => !string.IsNullOrEmpty(s))),
                e.TraceId));
        var changes = (await auditStore.ListForTargetAsync("account", accountId.ToString(), TimelineLength, cancellationToken))
            .Select(a => new TimelineEntry(a.At, "change", a.Action, null, null, $"by {a.Actor}", a.TraceId));
        var raised = (await incidents.ListAsync(new Core.Incidents.IncidentQuery { AccountId = accountId, Take = 20 }, cancellationToken))
            .Select(i => new TimelineEntry(i.CreatedAt, "incident", i.Title, null, null, $"{i.Status}{(i.RuleId is null ? "" : $" · rule {i.RuleId}")}", i.Id.ToString()));
        Timeline = [.. attempts.Concat(changes).Concat(raised).OrderByDescending(e => e.At).Take(TimelineLength)];
        Diagnosis = (await troubleshooter.DiagnoseAccountAsync(accountId, null, null, DiagnosisAudience.Support, cancellationToken)).Diagnosis;
        return true;
    }
}

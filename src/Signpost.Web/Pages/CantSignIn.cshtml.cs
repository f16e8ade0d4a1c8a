using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Browsers;
using Signpost.Core.Events;
using Signpost.Core.Help;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Troubleshooting;
using Signpost.Data;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages;

/// <summary>
/// "Can't sign in?" (SPEC §5): no sign-in needed, linked from every failure with its trace ID filled in.
/// It shows what the person at the keyboard was already shown for that attempt (<see cref="SafeAdvice"/>: the
/// reason's public face, never the exact reason or any account's state, SPEC §3), checks the browser in front of it, and lists
/// the safe next steps.
/// </summary>
/// <remarks>
/// A trace ID is 128 random bits shown only to whoever made the attempt, so reading the shown reason back
/// by it reveals nothing new. An identifier typed here is never looked up: it only travels into a help
/// request, where support reads it.
/// </remarks>
[IgnoreAntiforgeryToken]
public sealed class CantSignInModel(
    ISignInEventStore events, SignpostDbContext db, FormGuard guard, IOptionsMonitor<BrowserSupportOptions> browsers, TimeProvider time) : PageModel
{
    public const string ClientTimeField = "client_time";
    public const string ClientTimeZoneField = "client_tz";

    public string FormStamp { get; private set; } = "";
    public string? Trace { get; private set; }
    public string? Identifier { get; private set; }

    /// <summary>Why the trace ID typed could not be read back; null when none was typed or it was found.</summary>
    public string? TraceProblem { get; private set; }

    /// <summary>What the person was shown for the attempt (its public face) and the safe next steps.</summary>
    public SafeAdvice? Advice { get; private set; }

    public ClientCheck? Client { get; private set; }
    public IReadOnlyList<ClientFinding> Findings { get; private set; } = [];
    public IReadOnlyList<HelpArticle> Articles { get; private set; } = [];
    public bool Checked { get; private set; }

    public void OnGet(string? trace)
    {
        FormStamp = guard.IssueStamp();
        Trace = TraceIds.IsWellFormed(trace) ? trace : null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        FormStamp = guard.IssueStamp();
        var formProblem = await guard.CheckAsync(HttpContext);
        var form = Request.HasFormContentType ? await Request.ReadFormAsync(cancellationToken) : null;
        var typedTrace = form?["trace"].ToString().Trim().ToLowerInvariant() ?? "";
        var identifier = form?["identifier"].ToString().Trim() ?? "";
        Identifier = identifier.Length is > 0 and <= AccountRules.MaxIdentifierLength ? identifier : null;
        Checked = true;

        Organization? organization = null;
        if (typedTrace.Length > 0)
        {
            if (!TraceIds.IsWellFormed(typedTrace))
            {
                TraceProblem = "That is not a trace ID. A trace ID is 32 characters, digits and the letters a–f, shown under the failure message.";
            }
            else if (await events.FindByTraceIdAsync(typedTrace, cancellationToken) is not { } attempt)
            {
                TraceProblem = "No sign-in attempt has that trace ID. Check that all 32 characters were copied; very old attempts are no longer kept.";
                Trace = typedTrace;
            }
            else
            {
                Trace = typedTrace;
                Advice = SafeAdvice.For(attempt);
                if (attempt.OrganizationId is { } organizationId)
                {
                    organization = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, cancellationToken);
                }
            }
        }

        var browser = UserAgentParser.Parse(Request.Headers.UserAgent.ToString());
        var matrix = browsers.CurrentValue;
        Client = new ClientCheck(
            browser,
            matrix.IsSupported(browser),
            CookiesWorking: formProblem is not { Code: ReasonCodes.CookiesDisabled },
            JavaScriptWorking: form?[FormGuard.JavaScriptField].ToString() == "1",
            TimeZone: ClientCheck.TimeZoneFrom(form?[ClientTimeZoneField].ToString()),
            ClockOffset: ClientCheck.OffsetFrom(form?[ClientTimeField].ToString(), time.GetUtcNow()),
            NetworkLabel: organization is null ? NetworkClassifier.Unknown : NetworkClassifier.Label(organization, HttpContext.Connection.RemoteIpAddress));
        Findings = Client.Findings(matrix);
        Articles = Advice is { } advice && HelpCentre.For(advice.Code) is { Count: > 0 } related ? related : HelpCentre.Articles.Take(5).ToList();
        return Page();
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Browsers;
using Signpost.Core.Events;
using Signpost.Core.Help;
using Signpost.Core.Incidents;
using Signpost.Core.Recovery;
using Signpost.Core.Scheduling;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Troubleshooting;
using Signpost.Web.Infrastructure;
using Signpost.Web.Queries;

namespace Signpost.Web.Pages;

/// <summary>
/// "Can't sign in?" (docs/design.md §5): no sign-in needed, linked from every failure with its trace ID filled in.
/// It shows what the person at the keyboard was already shown for that attempt (<see cref="SafeAdvice"/>: the
/// reason's public face, never the exact reason or any account's state, docs/design.md §3), checks the browser in front of it, and lists
/// the safe next steps.
/// </summary>
/// <remarks>
/// A trace ID is 128 random bits shown only to whoever made the attempt, so reading the shown reason back
/// by it reveals nothing new. An identifier typed here is never looked up: it only travels into a help
/// request, where support reads it.
/// </remarks>
[IgnoreAntiforgeryToken]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimiting.SignInPolicy)]
[RequestSizeLimit(MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxRequestBytes)]
public sealed class CantSignInModel(
    ISignInEventStore events,
    PracticeQueries practices,
    FormGuard guard,
    IOptionsMonitor<BrowserSupportOptions> browsers,
    IncidentService incidents,
    IRateCounterStore counters,
    AuditActors actors,
    IOptionsMonitor<RecoveryOptions> recoveryOptions,
    HeldTraces held,
    TimeProvider time) : PageModel
{
    public const string ClientTimeField = "client_time";
    public const string ClientTimeZoneField = "client_tz";

    /// <summary>A help request: the 2 MB screenshot, the text fields and the multipart framing.</summary>
    public const int MaxRequestBytes = IncidentScreenshot.MaxBytes + (64 * 1024);

    /// <summary>What a person may write: the incident's limit less room for the client check and the typed trace and identifier appended to it.</summary>
    public const int MaxDescriptionLength = Incident.MaxDescriptionLength - 1200;

    /// <summary>Help requests one address may file per hour; more is someone filling the help desk's queue.</summary>
    public const int HelpRequestsPerHour = 5;

    public string? Description { get; private set; }
    public string? CallbackNumber { get; private set; }
    public IReadOnlyList<string> Problems { get; private set; } = [];

    /// <summary>The incident filed, shown by its short reference.</summary>
    public Incident? Filed { get; private set; }

    public string FormStamp { get; private set; } = "";
    public string? Trace { get; private set; }

    /// <summary>The proof that <see cref="Trace"/> was shown to this browser (<see cref="HeldTraces"/>); null when it was only typed.</summary>
    public string? HeldProof { get; private set; }

    private Guid? _attemptAccountId;
    public string? Identifier { get; private set; }

    /// <summary>Why the trace ID typed could not be read back; null when none was typed or it was found.</summary>
    public string? TraceProblem { get; private set; }

    /// <summary>What the person was shown for the attempt (its public face) and the safe next steps.</summary>
    public SafeAdvice? Advice { get; private set; }

    public ClientCheck? Client { get; private set; }
    public IReadOnlyList<ClientFinding> Findings { get; private set; } = [];
    public IReadOnlyList<HelpArticle> Articles { get; private set; } = [];
    public bool Checked { get; private set; }

    public void OnGet(string? trace, [FromQuery(Name = HeldTraces.Field)] string? proof)
    {
        FormStamp = guard.IssueStamp();
        Trace = TraceIds.IsWellFormed(trace) ? trace : null;
        HeldProof = held.Holds(Trace, proof) ? proof : null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await ReadFormAsync(cancellationToken) is not { } read)
        {
            return Page();
        }

        await CheckAsync(read.Form, read.Problem, cancellationToken);
        return Page();
    }

    /// <summary>
    /// "Ask for help": files an incident for payer support with the trace, the client check and what the
    /// person wrote. The answer is the same whether or not the identifier names an account, and takes at
    /// least as long as a recovery request, so it confirms nothing.
    /// </summary>
    public async Task<IActionResult> OnPostAskAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        if (await ReadFormAsync(cancellationToken) is not { } read)
        {
            return Page();
        }

        // Filing acts on the sender's behalf (their network's quota, their session's name): only from a form
        // this browser was given — the anti-forgery cookie, its token and a fresh stamp — never another site's.
        if (read.Problem is { } forged)
        {
            await CheckAsync(read.Form, forged, cancellationToken);
            Problems = [forged.Code == ReasonCodes.CookiesDisabled
                ? "Your browser did not send back the cookie this page set, so the request was not sent. Allow cookies for this site and reload the page, or call the help desk."
                : "This page is out of date, so the request was not sent. Reload the page and send it again."];
            return Page();
        }

        var organization = await CheckAsync(read.Form, read.Problem, cancellationToken);
        Description = Cut(read.Form["description"].ToString().Trim(), MaxDescriptionLength + 1);
        CallbackNumber = Cut(read.Form["callback"].ToString().Trim(), IncidentInput.MaxCallbackLength + 1);
        if (Description is { Length: > MaxDescriptionLength })
        {
            Problems = [$"Please keep the description under {MaxDescriptionLength} characters."];
            return Page();
        }

        var ip = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var hour = time.GetUtcNow().ToUnixTimeSeconds() / 3600;
        if (await counters.HitAsync($"help:{ip}", hour, cancellationToken) > HelpRequestsPerHour)
        {
            Problems = [$"This network has asked for help {HelpRequestsPerHour} times in the last hour. Please call the help desk, or try again later."];
            return Page();
        }

        byte[]? screenshot = null;
        if (read.Form.Files.GetFile("screenshot") is { Length: > 0 } file)
        {
            if (file.Length > IncidentScreenshot.MaxBytes)
            {
                Problems = ["The screenshot may be at most 2 MB."];
                return Page();
            }

            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken);
            screenshot = buffer.ToArray();
        }

        // The tenant boundary (docs/security.md): only a trace this browser was shown travels into the request,
        // and with it the attempt's practice and account; a typed identifier is never resolved to an account here. Otherwise
        // anyone could file someone else's failure (or name someone else's account) into a practice whose
        // administrators read the incident back. Support still gets what was typed, as text.
        var holds = Trace is not null && Advice is not null && HeldProof is not null;
        var result = await incidents.AskForHelpAsync(new HelpRequest
        {
            Description = Description is null ? null : Description + Environment.NewLine + Environment.NewLine + ClientSummary() + Typed(holds),
            CallbackNumber = CallbackNumber,
            Screenshot = screenshot,
            TraceIds = holds ? [Trace!] : [],
            AccountId = holds ? _attemptAccountId : null,
            OrganizationId = holds ? organization?.Id : null,
        }, actors.Current, cancellationToken);
        if (result.Status == IncidentWriteStatus.Done)
        {
            Filed = result.Incident;
        }
        else
        {
            Problems = result.Problems;
        }

        var floor = TimeSpan.FromMilliseconds(recoveryOptions.CurrentValue.MinimumResponseMilliseconds) - started.Elapsed;
        if (floor > TimeSpan.Zero)
        {
            await Task.Delay(floor, cancellationToken);
        }

        return Page();
    }

    private async Task<(IFormCollection Form, (string Code, string Detail)? Problem)?> ReadFormAsync(CancellationToken cancellationToken)
    {
        FormStamp = guard.IssueStamp();
        if (Request.ContentLength > MaxRequestBytes)
        {
            Problems = ["The screenshot may be at most 2 MB."];
            return null;
        }

        try
        {
            var problem = await guard.CheckAsync(HttpContext);
            var form = Request.HasFormContentType ? await Request.ReadFormAsync(cancellationToken) : FormCollection.Empty;
            return (form, problem);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            Problems = ["The form could not be read: " + (ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } ? "it is larger than 2 MB." : "it arrived incomplete or malformed.")];
            return null;
        }
    }

    private static string? Cut(string value, int length) => value.Length == 0 ? null : value.Length > length ? value[..length] : value;

    /// <summary>What was typed but not proven, as text for the help desk.</summary>
    private string Typed(bool holds)
    {
        var lines = "";
        if (!holds && Trace is { } trace)
        {
            lines += Environment.NewLine + $"Trace ID typed (not one shown to this browser, so not attached): {trace}";
        }

        if (Identifier is { } identifier)
        {
            lines += Environment.NewLine + $"Identifier typed (not looked up): {identifier}";
        }

        return lines;
    }

    /// <summary>The client check as lines for the help desk, appended to what the person wrote.</summary>
    private string ClientSummary() =>
        "Client check (collected by the page):" + Environment.NewLine
        + string.Join(Environment.NewLine, Findings.Select(f => $"- {f.Fact}: {f.Seen} ({f.Status})"));

    /// <summary>Reads the trace back and checks the browser; returns the attempt's organization when it had one.</summary>
    private async Task<Organization?> CheckAsync(IFormCollection? form, (string Code, string Detail)? formProblem, CancellationToken cancellationToken)
    {
        var typedTrace = form?["trace"].ToString().Trim().ToLowerInvariant() ?? "";
        var identifier = form?["identifier"].ToString().Trim() ?? "";
        var proof = form?[HeldTraces.Field].ToString();
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
                HeldProof = held.Holds(typedTrace, proof) ? proof : null;
                _attemptAccountId = attempt.AccountId;
                Advice = SafeAdvice.For(attempt);
                if (attempt.OrganizationId is { } organizationId)
                {
                    organization = await practices.FindOrganizationAsync(organizationId, cancellationToken);
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
        return organization;
    }
}

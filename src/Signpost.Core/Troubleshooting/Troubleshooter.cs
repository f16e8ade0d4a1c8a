using System.Diagnostics;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Core.Telemetry;

namespace Signpost.Core.Troubleshooting;

/// <summary>
/// The seed's eight-step troubleshooting workflow run on server-side facts (docs/design.md §5), for one trace ID or
/// one account and time range. It gathers the facts once, runs every registered
/// <see cref="ITroubleshootingCheck"/> (steps 1–7), adds the attempt's own exact reason to the step that
/// owns it, picks the root cause by <see cref="RootCausePrecedence"/>, reads the immediate action from the
/// catalogue, applies <see cref="DiagnosisEscalation"/>, and fills step 8 with the incident data points.
/// Deterministic: "now" comes from the injected <see cref="TimeProvider"/> and nothing else varies.
/// </summary>
/// <remarks>
/// The escalation settings come in as <see cref="IOptionsMonitor{TOptions}"/>, the very accessor the
/// <see cref="EscalationEngine"/> reads, and go to the rules through <see cref="TroubleshootingContext.Escalation"/>:
/// one snapshot per diagnosis (as the engine takes one per event), so a configuration reload changes both at
/// once and <see cref="DiagnosisEscalation.Recommend"/> stays a pure function of its context.
/// </remarks>
/// <remarks>
/// Current-state facts (a lock, a disabled account, maintenance in force) become root-cause candidates only
/// when the diagnosed attempt failed or there is no attempt: a successful attempt is its own answer, and
/// the steps still show what else is going on.
/// </remarks>
public sealed class Troubleshooter(
    ITroubleshootingFacts facts, IEnumerable<ITroubleshootingCheck> checks, IOptionsMonitor<EscalationOptions> escalation, TimeProvider time)
{
    /// <summary>Events read per diagnosis; beyond this the newest count.</summary>
    public const int MaxEvents = 500;

    /// <summary>The longest account range one diagnosis reads.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    /// <summary>An account diagnosis without a range looks at the last day.</summary>
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(1);

    /// <summary>Around a trace, the history read before and after it.</summary>
    public static readonly TimeSpan TraceWindow = TimeSpan.FromDays(1);

    /// <summary>Audit entries read for step 7.</summary>
    public const int MaxAdminChanges = 20;

    private static readonly string[] SsoCodes = [.. ReasonCatalogue.All.Where(r => r.Category == ReasonCategory.Sso).Select(r => r.Code)];

    private readonly IReadOnlyList<ITroubleshootingCheck> _checks = [.. checks.OrderBy(c => c.Step).ThenBy(c => c.Order).ThenBy(c => c.Name, StringComparer.Ordinal)];

    /// <summary>
    /// Normalises a trace ID as typed (spaces, capitals) and says whether it can be one: 32 hexadecimal
    /// digits, the W3C trace-id format. Anything else is refused before it reaches a query.
    /// </summary>
    public static bool TryNormalizeTraceId(string? value, out string traceId)
    {
        traceId = "";
        if (value is null || value.Length > 64)
        {
            return false;
        }

        var trimmed = value.Trim().ToLowerInvariant();
        if (!TraceIdFormat.IsWellFormed(trimmed))
        {
            return false;
        }

        traceId = trimmed;
        return true;
    }

    /// <summary>Diagnoses the attempt behind a trace ID, with the account's history around it.</summary>
    public async Task<DiagnosisResult> DiagnoseTraceAsync(string? traceId, DiagnosisAudience audience = DiagnosisAudience.Support, CancellationToken cancellationToken = default)
    {
        using var span = StartSpan("trace", audience);
        return Traced(span, await DiagnoseTraceCoreAsync(traceId, audience, cancellationToken));
    }

    private async Task<DiagnosisResult> DiagnoseTraceCoreAsync(string? traceId, DiagnosisAudience audience, CancellationToken cancellationToken)
    {
        if (!TryNormalizeTraceId(traceId, out var id))
        {
            return DiagnosisResult.Refused(DiagnosisStatus.MalformedTraceId, "A trace ID is 32 hexadecimal characters, as shown on the failure page.");
        }

        var focus = await facts.FindEventAsync(id, cancellationToken);
        if (focus is null)
        {
            return DiagnosisResult.Refused(DiagnosisStatus.UnknownTraceId, "No sign-in event carries this trace ID. It may be older than the retention period, or mistyped.");
        }

        return await DiagnoseFocusAsync(focus, audience, cancellationToken);
    }

    /// <summary>
    /// Diagnoses an attempt the caller has already read by its trace ID (the API reads it once to decide whether the
    /// caller may see it, and hands it on rather than have it read twice; docs/troubleshooter.md, "What one diagnosis reads").
    /// </summary>
    public async Task<DiagnosisResult> DiagnoseEventAsync(SignInEvent focus, DiagnosisAudience audience = DiagnosisAudience.Support, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(focus);
        using var span = StartSpan("trace", audience);
        return Traced(span, await DiagnoseFocusAsync(focus, audience, cancellationToken));
    }

    private async Task<DiagnosisResult> DiagnoseFocusAsync(SignInEvent focus, DiagnosisAudience audience, CancellationToken cancellationToken)
    {
        var id = focus.TraceId;
        var now = time.GetUtcNow();
        var from = focus.OccurredAt - TraceWindow;
        // A day either side of the attempt, but never past now (nor before the attempt, should clocks disagree).
        var latest = now > focus.OccurredAt ? now : focus.OccurredAt;
        var to = focus.OccurredAt + TraceWindow < latest ? focus.OccurredAt + TraceWindow : latest;
        var account = focus.AccountId is { } accountId ? await facts.FindAccountAsync(accountId, cancellationToken) : null;
        var context = await GatherAsync(focus, account, from, to, now, audience, escalation.CurrentValue, cancellationToken);
        return new DiagnosisResult(DiagnosisStatus.Diagnosed, await RunAsync($"trace {id}", id, context, cancellationToken), "Diagnosed.");
    }

    /// <summary>Diagnoses an account over a range (default: the last day): its latest failure, or its state when nothing failed.</summary>
    public async Task<DiagnosisResult> DiagnoseAccountAsync(
        Guid accountId, DateTimeOffset? from = null, DateTimeOffset? to = null, DiagnosisAudience audience = DiagnosisAudience.Support, CancellationToken cancellationToken = default)
    {
        using var span = StartSpan("account", audience);
        return Traced(span, await DiagnoseAccountCoreAsync(accountId, from, to, audience, cancellationToken));
    }

    /// <summary>The troubleshooter's span (docs/observability.md): what was diagnosed, for whom, and the root cause found.</summary>
    private static Activity? StartSpan(string subject, DiagnosisAudience audience)
    {
        var span = SignpostTelemetry.Source.StartActivity("signpost.troubleshoot");
        span?.SetTag("signpost.troubleshoot.subject", subject);
        span?.SetTag("signpost.troubleshoot.audience", audience.ToString());
        return span;
    }

    private static DiagnosisResult Traced(Activity? span, DiagnosisResult result)
    {
        span?.SetTag("signpost.troubleshoot.status", result.Status.ToString());
        if (result.Diagnosis?.RootCauseCode is { } root)
        {
            span?.SetTag("signpost.troubleshoot.root_cause", root);
        }

        return result;
    }

    private async Task<DiagnosisResult> DiagnoseAccountCoreAsync(
        Guid accountId, DateTimeOffset? from, DateTimeOffset? to, DiagnosisAudience audience, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // In UTC: PostgreSQL stores instants as timestamptz and refuses offsets other than zero.
        var end = to?.ToUniversalTime() ?? now;
        var start = from?.ToUniversalTime() ?? end - DefaultRange;
        if (start >= end)
        {
            return DiagnosisResult.Refused(DiagnosisStatus.InvalidRange, "The range must start before it ends.");
        }

        if (end - start > MaxRange)
        {
            return DiagnosisResult.Refused(DiagnosisStatus.InvalidRange, $"The range may cover at most {MaxRange.TotalDays:0} days.");
        }

        var account = await facts.FindAccountAsync(accountId, cancellationToken);
        if (account is null)
        {
            return DiagnosisResult.Refused(DiagnosisStatus.UnknownAccount, "No account has this ID.");
        }

        // One read serves the range and the escalation rules' look-back: the newest events are kept first, so
        // those in range are exactly what a read of the range alone would return.
        var settings = escalation.CurrentValue;
        var history = await facts.ListAccountEventsAsync(account.Id, start - settings.LongestWindow, end, MaxEvents, cancellationToken);
        var events = history.Where(e => e.OccurredAt >= start).ToList();
        var lastFailure = events.LastOrDefault(e => !e.Succeeded);
        var lastSuccess = events.LastOrDefault(e => e.Succeeded && TroubleshootingContext.IsSignIn(e));
        var focus = lastSuccess is not null && (lastFailure is null || lastSuccess.OccurredAt > lastFailure.OccurredAt) ? lastSuccess : lastFailure ?? events.LastOrDefault();
        var context = await GatherAsync(focus, account, start, end, now, audience, settings, cancellationToken, history);
        return new DiagnosisResult(DiagnosisStatus.Diagnosed, await RunAsync($"account {account.Username}", null, context, cancellationToken), "Diagnosed.");
    }

    /// <summary>
    /// Gathers the facts once. <paramref name="history"/>, when the caller already read it, holds the account's
    /// events from the escalation look-back before <paramref name="from"/> up to <paramref name="to"/>.
    /// </summary>
    private async Task<TroubleshootingContext> GatherAsync(
        SignInEvent? focus, Account? account, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, DiagnosisAudience audience,
        EscalationOptions settings, CancellationToken cancellationToken, IReadOnlyList<SignInEvent>? history = null)
    {
        var organizations = new List<Organization>();
        if (account is not null)
        {
            organizations.AddRange(account.Memberships.Select(m => m.Organization).OfType<Organization>().DistinctBy(o => o.Id));
        }
        else if (focus?.OrganizationId is { } organizationId && await facts.FindOrganizationAsync(organizationId, cancellationToken) is { } organization)
        {
            organizations.Add(organization);
        }

        // The escalation rules look back further than the range (docs/design.md §6 windows), so read from there once
        // and keep the range for the checks.
        var lookBack = from - settings.LongestWindow;
        history ??= account is not null
            ? await facts.ListAccountEventsAsync(account.Id, lookBack, to, MaxEvents, cancellationToken)
            : focus?.Identifier is { Length: > 0 } typed
                ? await facts.ListIdentifierEventsAsync(typed, lookBack, to, MaxEvents, cancellationToken)
                : [];
        if (focus is not null && !history.Any(e => e.TraceId == focus.TraceId))
        {
            history = [.. history.Append(focus).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id)];
        }

        var events = history.Where(e => e.OccurredAt >= from || e.TraceId == focus?.TraceId).ToList();

        var ssoHistory = new List<SignInEvent>();
        var ssoHealth = new Dictionary<Guid, SsoHealth>();
        // Every SSO reason for step 4's evidence, and whatever the engine is configured to count, so that the
        // organization-level rule is judged here on the very attempts the engine counts.
        string[] ssoCodes = [.. SsoCodes.Union(settings.SsoReasonCodes, StringComparer.Ordinal)];
        foreach (var organization in organizations)
        {
            ssoHistory.AddRange(await facts.ListOrganizationFailuresAsync(organization.Id, ssoCodes, from - settings.SsoWindow, to, MaxEvents, cancellationToken));
            if (await facts.FindSsoHealthAsync(organization.Id, cancellationToken) is { } health)
            {
                ssoHealth[organization.Id] = health;
            }
        }

        return new TroubleshootingContext
        {
            Facts = facts,
            Audience = audience,
            Now = now,
            From = from,
            To = to,
            Focus = focus,
            Account = account,
            Organizations = organizations,
            Events = events,
            LockoutCounters = account is null ? [] : await facts.ListLockoutCountersAsync(account.Id, cancellationToken),
            Windows = await facts.ListMaintenanceAsync(from - TraceWindow, (now > to ? now : to).AddTicks(1), cancellationToken),
            AdminChanges = account is null ? [] : await facts.ListAdminChangesAsync(account, MaxAdminChanges, cancellationToken),
            OrganizationSsoFailures = [.. ssoHistory.Where(e => e.OccurredAt >= from)],
            SsoHealth = ssoHealth,
            Escalation = settings,
            EscalationHistory = [.. history.Concat(ssoHistory).DistinctBy(e => (e.Id, e.TraceId)).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id)],
        };
    }

    private async Task<Diagnosis> RunAsync(string subject, string? traceId, TroubleshootingContext context, CancellationToken cancellationToken)
    {
        var findings = Enumerable.Range(1, 7).ToDictionary(step => step, _ => new List<CheckFinding>());
        if (context.Focus is { Succeeded: false } failed)
        {
            var reason = TroubleshootingContext.ReasonOf(failed);
            findings[TroubleshootingSteps.StepFor(reason.Code)].Add(CheckFinding.Problem("attempt", [reason.Code],
                $"{Evidence.Utc(failed.OccurredAt)} {failed.Method} attempt failed: {reason.Code} ({reason.Title}); the person saw {failed.ShownReasonCode}.{(failed.Detail is null ? "" : " " + failed.Detail)}"));
        }

        foreach (var check in _checks.Where(c => c.Step is >= 1 and <= 7))
        {
            using var span = SignpostTelemetry.Source.StartActivity("signpost.troubleshoot.check");
            span?.SetTag("signpost.troubleshoot.check", check.Name);
            span?.SetTag("signpost.troubleshoot.step", check.Step);
            var finding = await check.RunAsync(context, cancellationToken);
            span?.SetTag("signpost.troubleshoot.check_status", finding.Status.ToString());
            findings[check.Step].Add(finding);
        }

        var steps = findings.Select(f => StepResult.Merge(f.Key, TroubleshootingSteps.Title(f.Key), f.Value)).ToList();
        var rootCode = context.Focus is { Succeeded: true } succeeded
            ? succeeded.ReasonCode
            : RootCausePrecedence.Pick(steps.SelectMany(s => s.Findings).Where(f => f.Status == StepStatus.Problem).SelectMany(f => f.RootCauseCandidates));
        var root = rootCode is not null && ReasonCatalogue.TryGet(rootCode, out var found) ? found : null;
        var escalation = DiagnosisEscalation.Recommend(context, root?.Code);
        var incident = IncidentDataPoints.From(context);
        steps.Add(ContactSupport(escalation, incident, root));
        var action = root?.ImmediateAction ?? "None: no attempt in range and nothing wrong with the account.";
        return new Diagnosis(subject, traceId, context.Account?.Id, context.Account?.Username, context.Now, context.From, context.To,
            context.Focus, steps, root, action, escalation, incident);
    }

    private static StepResult ContactSupport(EscalationRecommendation escalation, IncidentDataPoints incident, Reason? root)
    {
        var evidence = new List<string>
        {
            escalation.Escalate
                ? $"Escalate to {string.Join(" and ", escalation.Targets.Select(Describe))} ({escalation.RuleId}): {escalation.Explanation}"
                : escalation.Explanation,
            $"Incident data ready: {Evidence.Count(incident.Failures.Count, "failure")}, {Evidence.Count(incident.TraceIds.Count, "trace ID")}; steps tried: {(incident.StepsTried.Count == 0 ? "none" : string.Join("; ", incident.StepsTried))}.",
        };
        var finding = new CheckFinding("escalation", escalation.Escalate ? StepStatus.Problem : StepStatus.Ok, evidence, root is null || !escalation.Escalate ? [] : [root.Code]);
        return StepResult.Merge(TroubleshootingSteps.ContactSupport, TroubleshootingSteps.Title(TroubleshootingSteps.ContactSupport), [finding]);
    }

    /// <summary>People's name for an escalation target.</summary>
    public static string Describe(EscalationTarget target) => target switch
    {
        EscalationTarget.PayerSupport => "payer support",
        EscalationTarget.PlatformOperators => "platform operators",
        EscalationTarget.PracticeAdmins => "practice admins",
        _ => target.ToString(),
    };
}

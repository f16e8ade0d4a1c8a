using Signpost.Core.Organizations;
using System.Globalization;
using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting;

/// <summary>One failure for the incident: its trace ID, the instant in UTC and as the practice reads it.</summary>
public sealed record FailureTime(string TraceId, DateTimeOffset Utc, string? PracticeLocal, string ReasonCode);

/// <summary>
/// Every data point of docs/design.md §6 that the server knows, for step 8 ("contact support"): an incident starts
/// pre-filled with it and stores it as JSON. A plain record of plain values so it serialises as is;
/// screenshots are the one data point only the person can add.
/// </summary>
public sealed record IncidentDataPoints(
    string? ProviderId,
    string? Npi,
    string? PracticeName,
    string? PracticeAddress,
    string? PracticeTimeZone,
    string? ReasonCode,
    string? ShownReasonCode,
    string? ErrorText,
    IReadOnlyList<FailureTime> Failures,
    string? Browser,
    string? BrowserVersion,
    string? OperatingSystem,
    string? UserAgent,
    string? NetworkPath,
    bool SsoInvolved,
    string? SsoConnectionId,
    IReadOnlyList<string> StepsTried,
    IReadOnlyList<string> TraceIds)
{
    /// <summary>How many failures an incident lists; the trace IDs lead to the rest.</summary>
    public const int MaxFailures = 20;

    /// <summary>Data points when no attempt can be diagnosed: the practice (when known) and the trace IDs, nothing guessed.</summary>
    public static IncidentDataPoints Bare(Organization? practice, IReadOnlyList<string> traceIds) => new(
        null, null, practice?.Name, practice?.Address, practice?.TimeZone, null, null, null, [], null, null, null, null, null, false, null, [], traceIds);

    /// <summary>Fills the data points from a diagnosis's facts.</summary>
    public static IncidentDataPoints From(TroubleshootingContext context)
    {
        var focus = context.Focus;
        var practice = (focus?.OrganizationId is { } id ? context.Organizations.FirstOrDefault(o => o.Id == id) : null)
            ?? (context.Organizations.Count == 1 ? context.Organizations[0] : null);
        var zone = FindZone(practice?.TimeZone);
        var failures = context.StoryFailures.TakeLast(MaxFailures)
            .Select(e => new FailureTime(e.TraceId, e.OccurredAt, zone is null ? null : Local(e.OccurredAt, zone), e.ReasonCode))
            .ToList();
        var shown = focus is null ? null : ReasonCatalogue.TryGet(focus.ShownReasonCode, out var s) ? s : null;
        var sso = context.Story.FirstOrDefault(e => e.SsoConnectionId is not null || TroubleshootingContext.ReasonOf(e).Category == ReasonCategory.Sso);
        return new IncidentDataPoints(
            context.Account?.Username ?? focus?.Identifier,
            context.Account?.Npi,
            practice?.Name,
            practice?.Address,
            practice?.TimeZone,
            focus?.ReasonCode,
            focus?.ShownReasonCode,
            shown?.UserMessage,
            failures,
            focus?.Browser,
            focus?.BrowserVersion,
            focus?.OperatingSystem,
            focus?.UserAgent,
            focus is null ? null : $"{focus.NetworkLabel ?? "unknown"} ({focus.ClientIp ?? "no address"})",
            sso is not null,
            sso?.SsoConnectionId,
            DeriveStepsTried(context.Events),
            [.. context.Story.Select(e => e.TraceId).Distinct().TakeLast(MaxFailures)]);
    }

    /// <summary>The steps already tried, read from the event history (docs/design.md §6), in the order first tried.</summary>
    public static IReadOnlyList<string> DeriveStepsTried(IReadOnlyList<SignInEvent> events)
    {
        var steps = new List<string>();
        void Add(bool happened, string step)
        {
            if (happened && !steps.Contains(step))
            {
                steps.Add(step);
            }
        }

        var signIns = events.Where(TroubleshootingContext.IsSignIn).ToList();
        Add(signIns.Count > 0, $"signed in {Evidence.Count(signIns.Count, "time")} ({signIns.Count(e => !e.Succeeded)} failed)");
        Add(signIns.Select(e => e.IdentifierKind).Where(k => k is not null).Distinct().Count() > 1, "tried another identifier (" + string.Join(", ", signIns.Select(e => e.IdentifierKind).OfType<string>().Distinct()) + ")");
        Add(events.Any(e => e.ReasonCode == ReasonCodes.ResetRequested), "requested a password reset");
        Add(events.Any(e => e.ReasonCode == ReasonCodes.PasswordReset), "completed a password reset");
        Add(events.Any(ResetCheckFailed), "used a reset link that failed");
        Add(events.Any(e => e.ReasonCode == ReasonCodes.UnlockRequested), "requested an unlock email");
        Add(events.Any(e => e.ReasonCode == ReasonCodes.AccountUnlocked), "unlocked the account by email");
        Add(events.Any(e => e.Method == SignInMethod.ChangePassword), "tried to change the password");
        Add(signIns.Select(e => e.Browser).Where(b => b is not null).Distinct().Count() > 1, "tried another browser (" + string.Join(", ", signIns.Select(e => e.Browser).OfType<string>().Distinct()) + ")");
        Add(signIns.Where(e => e.Browser is not null).GroupBy(e => e.Browser).Any(g => g.Select(Evidence.MajorVersion).Distinct().Count() > 1), "updated the browser");
        Add(signIns.Select(Evidence.NetworkOf).Distinct().Count() > 1, "tried another network (" + string.Join(", ", signIns.Select(Evidence.NetworkOf).Distinct()) + ")");
        return steps;
    }

    private static bool ResetCheckFailed(SignInEvent e) => Checks.ResetCheck.IsFailedReset(e);

    private static TimeZoneInfo? FindZone(string? id)
    {
        if (id is null)
        {
            return null;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
    }

    private static string Local(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
    }
}

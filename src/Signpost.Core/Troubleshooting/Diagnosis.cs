using System.Text.Json.Serialization;
using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting;

/// <summary>
/// The troubleshooter's answer for support and administrators (docs/design.md §5): each step's status and evidence,
/// the root cause, what to do now, and whether and to whom to escalate. It names what support may see —
/// exact reasons, account state, similar identifiers — so it never goes to the person who only holds a
/// trace ID; <see cref="ForAnonymous"/> is what they may see.
/// </summary>
/// <param name="Subject">"trace {id}" or "account {username}", for headings.</param>
/// <param name="TraceId">The trace diagnosed, when the diagnosis is for a trace.</param>
/// <param name="AccountId">The account concerned, when one was resolved.</param>
/// <param name="Username">Its username (provider ID).</param>
/// <param name="DiagnosedAt">The diagnosis's "now".</param>
/// <param name="From">Start of the events considered.</param>
/// <param name="To">End of the events considered.</param>
/// <param name="Focus">The attempt diagnosed: the trace's, or the account's latest failure in range.</param>
/// <param name="Steps">The eight steps, in order.</param>
/// <param name="RootCause">The root cause's catalogue entry; null only when there was nothing to diagnose (no attempt, nothing wrong).</param>
/// <param name="ImmediateAction">The catalogue's immediate action for the root cause.</param>
/// <param name="Escalation">Whether, why and to whom to escalate.</param>
/// <param name="Incident">The data points of docs/design.md §6, ready for an incident.</param>
public sealed record Diagnosis(
    string Subject,
    string? TraceId,
    Guid? AccountId,
    string? Username,
    DateTimeOffset DiagnosedAt,
    DateTimeOffset From,
    DateTimeOffset To,
    SignInEvent? Focus,
    IReadOnlyList<StepResult> Steps,
    Reason? RootCause,
    string ImmediateAction,
    EscalationRecommendation Escalation,
    IncidentDataPoints Incident)
{
    /// <summary>The root cause's code, or null.</summary>
    [JsonIgnore]
    public string? RootCauseCode => RootCause?.Code;

    /// <summary>The step of the given number (1–8).</summary>
    public StepResult Step(int number) => Steps[number - 1];

    /// <summary>What someone holding only the trace ID may be told; null when the diagnosis has no attempt.</summary>
    public SafeAdvice? ForAnonymous() => Focus is null ? null : SafeAdvice.For(Focus);
}

/// <summary>Why a diagnosis was not made; each maps to a clear answer at the edge (400, 404), never a 500.</summary>
public enum DiagnosisStatus
{
    Diagnosed,
    MalformedTraceId,
    UnknownTraceId,
    UnknownAccount,
    InvalidRange,
}

/// <summary>A diagnosis, or why there is none.</summary>
public sealed record DiagnosisResult(DiagnosisStatus Status, Diagnosis? Diagnosis, string Message)
{
    public static DiagnosisResult Refused(DiagnosisStatus status, string message) => new(status, null, message);
}

using Signpost.Core.Reasons;
using Signpost.Core.SignIn;

namespace Signpost.Web.Pages;

/// <summary>What the shared failure partial shows.</summary>
public sealed record FailureView(Reason Reason, string Message, string TraceId, DateTimeOffset At, DateTimeOffset? LockedUntil, IReadOnlyList<string> Problems)
{
    public static FailureView From(Core.Recovery.RecoveryResult result) =>
        new(result.Reason, result.Reason.UserMessage, result.TraceId, result.OccurredAt, null, result.Problems);

    public static FailureView From(SignInResult result) =>
        new(result.Shown, MessageFor(result), result.TraceId, result.OccurredAt, result.LockedUntil, result.Problems);

    /// <summary>The reason's message; during maintenance with the window's own words and its expected end.</summary>
    public static string MessageFor(SignInResult result) =>
        result.Shown.Code == ReasonCodes.MaintenanceWindow && result.Maintenance is { } window
            ? $"{result.Shown.UserMessage} {window.Message} Expected end: {window.EndsAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)}."
            : result.Shown.UserMessage;
}

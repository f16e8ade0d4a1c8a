using Signpost.Core.Reasons;
using Signpost.Core.SignIn;

namespace Signpost.Web.Pages;

/// <summary>
/// What the shared failure partial shows. <see cref="LockedUntil"/> is set only when this browser may see
/// the lock (its own trusted-device lock); the partial words it with <see cref="Core.Lockout.LockNotice"/>
/// at render time, so a page rendered after the end says the lock has ended rather than showing a past time.
/// </summary>
public sealed record FailureView(Reason Reason, string Message, string TraceId, DateTimeOffset At, DateTimeOffset? LockedUntil, IReadOnlyList<string> Problems)
{
    /// <summary>The practice time zone the lock's end is shown in besides UTC (null: UTC only).</summary>
    public TimeZoneInfo? LockZone { get; init; }

    public static FailureView From(Core.Recovery.RecoveryResult result) =>
        new(result.Reason, result.Reason.UserMessage, result.TraceId, result.OccurredAt, null, result.Problems);

    public static FailureView From(SignInResult result) =>
        new(result.Shown, MessageFor(result), result.TraceId, result.OccurredAt, result.LockedUntil, result.Problems)
        {
            LockZone = result.LockedUntil is null ? null
                : Core.Lockout.LockNotice.ZoneFor(result.Account, result.Organizations.Count == 1 ? result.Organizations[0] : null),
        };

    /// <summary>The reason's message; during maintenance with the window's own words and its expected end.</summary>
    public static string MessageFor(SignInResult result) =>
        result.Shown.Code == ReasonCodes.MaintenanceWindow && result.Maintenance is { } window
            ? $"{result.Shown.UserMessage} {window.Message} Expected end: {window.EndsAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)}."
            : result.Shown.UserMessage;
}

namespace Signpost.Web.Sso;

/// <summary>Log messages of single sign-on (event IDs 71xx). Never a token, code or secret: connection IDs and reason codes only.</summary>
internal static partial class SsoLog
{
    [LoggerMessage(EventId = 7101, EventName = "Sso.SignInFailed", Level = LogLevel.Warning, Message = "SSO sign-in through connection {ConnectionId} failed with {ReasonCode}: {Evidence}")]
    public static partial void SignInFailed(ILogger logger, Guid connectionId, string reasonCode, string evidence);

    // Once per connection per health run: Debug. A failing connection raises its own alert (docs/sso.md).
    [LoggerMessage(EventId = 7102, EventName = "Sso.HealthChecked", Level = LogLevel.Debug, Message = "SSO health of connection {ConnectionId}: {Status}")]
    public static partial void HealthChecked(ILogger logger, Guid connectionId, string status);

    [LoggerMessage(EventId = 7103, EventName = "Sso.HealthRunFailed", Level = LogLevel.Error, Message = "The SSO health run failed; the next run tries again")]
    public static partial void HealthRunFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7104, EventName = "Sso.AlertFailed", Level = LogLevel.Warning, Message = "SSO alert {Key} not sent: {Error}. The next run tries again")]
    public static partial void AlertFailed(ILogger logger, string key, string error);
}

using Signpost.Core.Notifications;

namespace Signpost.Web.Passwords;

/// <summary>
/// Log messages of the password-expiry area (event IDs 32xx). Keys name an account by its ID; no address,
/// link or password is ever logged.
/// </summary>
internal static partial class PasswordExpiryLog
{
    public static void Outcomes(ILogger logger, IReadOnlyList<NotificationOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            switch (outcome.Status)
            {
                case NotificationStatus.Sent:
                    ReminderSent(logger, outcome.Key);
                    break;
                case NotificationStatus.Failed:
                    ReminderFailed(logger, outcome.Key, outcome.Error ?? "unknown error");
                    break;
                case NotificationStatus.NoLongerWanted:
                    ReminderNoLongerWanted(logger, outcome.Key);
                    break;
            }
        }
    }

    [LoggerMessage(EventId = 3401, EventName = "PasswordExpiry.ReminderSent", Level = LogLevel.Information, Message = "Sent password expiry reminder {Key}")]
    public static partial void ReminderSent(ILogger logger, string key);

    [LoggerMessage(EventId = 3402, EventName = "PasswordExpiry.ReminderFailed", Level = LogLevel.Warning, Message = "Password expiry reminder {Key} not sent: {Error}. Nothing was recorded; the next run tries again")]
    public static partial void ReminderFailed(ILogger logger, string key, string error);

    [LoggerMessage(EventId = 3403, EventName = "PasswordExpiry.ReminderNoLongerWanted", Level = LogLevel.Information, Message = "Password expiry reminder {Key} no longer needed (the password changed, or expiry was turned off) and was not sent")]
    public static partial void ReminderNoLongerWanted(ILogger logger, string key);

    [LoggerMessage(EventId = 3404, EventName = "PasswordExpiry.RunFailed", Level = LogLevel.Error, Message = "The password expiry reminder run failed; the next run tries again")]
    public static partial void RunFailed(ILogger logger, Exception exception);

    // The audit trail holds the extension (account.expiry_extension); this line puts it in the log beside the reminders.
    [LoggerMessage(EventId = 3411, EventName = "PasswordExpiry.ExtensionGranted", Level = LogLevel.Information, Message = "Password expiry extension: {Actor} via {Channel} set {Days} extra day(s) for account {AccountId} ({Username}); expires {ExpiresAt}")]
    public static partial void ExtensionGranted(ILogger logger, string actor, string channel, int days, Guid accountId, string username, string expiresAt);
}

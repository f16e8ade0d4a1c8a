using Signpost.Core.Notifications;

namespace Signpost.Core.Maintenance;

/// <summary>
/// Emails practice admins about maintenance windows (issue "Maintenance windows", item 2): portal and
/// sign-in windows to the admins of every practice, an SSO window to its own practice's admins. One
/// message per practice, in its time zone. A window's <see cref="MaintenanceWindow.ScheduledNoticeSentAt"/>
/// and <see cref="MaintenanceWindow.ReminderSentAt"/> are set only when every practice's message went out;
/// each practice's message is sent once (<see cref="OnceOnlySender"/>), so a retry after a failure reaches
/// only the practices still waiting.
/// </summary>
public sealed class MaintenanceAlerts(IMaintenanceStore windows, IPracticeAdminDirectory directory, OnceOnlySender sender, TimeProvider time)
{
    /// <summary>How far ahead windows are looked at; a window scheduled further out is announced when it comes in range.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(3660);

    public static string NotificationKey(Guid windowId, MaintenanceNoticeKind kind, Guid organizationId) =>
        $"maintenance/{windowId:N}/{kind.ToString().ToLowerInvariant()}/{organizationId:N}";

    /// <summary>Sends what is due now; returns what happened to each message, for the log.</summary>
    public async Task<IReadOnlyList<NotificationOutcome>> RunAsync(string publicBaseUrl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var outcomes = new List<NotificationOutcome>();
        foreach (var window in await windows.ListAsync(now, now + Horizon, includeCancelled: false, cancellationToken))
        {
            if (MaintenanceNoticeSchedule.Due(window, now) is not { } due)
            {
                continue;
            }

            var practices = await directory.ListAsync(window.Scope == MaintenanceScope.OrganizationSso ? window.OrganizationId : null, cancellationToken);
            var complete = true;
            foreach (var practice in practices.Where(p => p.Admins.Count > 0))
            {
                var message = MaintenanceNoticeComposer.Compose(due, window, practice, publicBaseUrl, now);
                var outcome = await sender.SendAsync(
                    NotificationKey(window.Id, due.Kind, practice.OrganizationId),
                    message,
                    async ct => await windows.FindAsync(window.Id, ct) is { } current && MaintenanceNoticeSchedule.Due(current, now) == due,
                    cancellationToken);
                outcomes.Add(outcome);
                if (outcome.Status is not (NotificationStatus.Sent or NotificationStatus.AlreadySent))
                {
                    complete = false;
                }

                if (outcome.Status == NotificationStatus.NoLongerWanted || outcome is { Status: NotificationStatus.Failed, ServerUnavailable: true })
                {
                    break;
                }
            }

            if (outcomes.Any(o => o is { Status: NotificationStatus.Failed, ServerUnavailable: true }))
            {
                // The mail server is down: every further message would wait for the same failure. Next run.
                return outcomes;
            }

            if (complete)
            {
                // Only the notice columns are written, so an edit made meanwhile (an extension) stays.
                if (await windows.FindAsync(window.Id, cancellationToken) is { } current && MaintenanceNoticeSchedule.Due(current, now) == due)
                {
                    await windows.RecordNoticesSentAsync(
                        window.Id,
                        due.Kind == MaintenanceNoticeKind.Scheduled ? now : null,
                        due.CoversReminder ? now : null,
                        cancellationToken);
                }
            }
        }

        return outcomes;
    }
}

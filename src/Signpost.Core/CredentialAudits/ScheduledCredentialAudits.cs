using Signpost.Core.Notifications;

namespace Signpost.Core.CredentialAudits;

/// <summary>
/// Sends each practice's admins the credential audit of the period that just ended, once per practice and
/// period (the key is practice + period, so several nodes and repeated runs send it once). A practice without
/// an admin gets no mail — its report says "no active admin" to the operators who open it — and a practice
/// created after the period ended gets none for that period: there was nothing of it to review.
/// </summary>
public sealed class ScheduledCredentialAudits(
    IPracticeAdminDirectory directory, ICredentialAuditFacts facts, INotificationLog log, OnceOnlySender sender, TimeProvider time)
{
    public async Task<IReadOnlyList<NotificationOutcome>> RunAsync(int periodMonths, CredentialAuditThresholds thresholds, string publicBaseUrl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (start, end) = CredentialAuditSchedule.Previous(now, periodMonths);
        var periodName = CredentialAuditSchedule.Name(start, periodMonths);
        var outcomes = new List<NotificationOutcome>();
        foreach (var practice in await directory.ListAsync(null, cancellationToken))
        {
            if (practice.Admins.Count == 0)
            {
                continue;
            }

            var key = CredentialAuditEmails.NotificationKey(practice.OrganizationId, periodName);
            if (await log.WasSentAsync(key, cancellationToken))
            {
                // Sent earlier this period: skip reading a large practice's facts just to be told so.
                continue;
            }

            if (await facts.CreatedAtAsync(practice.OrganizationId, cancellationToken) is not { } created || created >= end)
            {
                continue;
            }

            var read = await facts.ReadAsync(practice.OrganizationId, start, end, null, cancellationToken);
            if (read is null)
            {
                continue;
            }

            var report = CredentialAuditBuilder.Build(read, thresholds, now);
            var outcome = await sender.SendAsync(key, CredentialAuditEmails.Compose(report, practice, periodName, publicBaseUrl), null, cancellationToken);
            outcomes.Add(outcome);
            if (outcome is { Status: NotificationStatus.Failed, ServerUnavailable: true })
            {
                // The mail server is down: every further report would wait for the same failure. Next run.
                break;
            }
        }

        return outcomes;
    }
}

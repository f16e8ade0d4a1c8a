using System.Globalization;
using System.Text;
using Signpost.Core.Email;
using Signpost.Core.Escalation;
using Signpost.Core.Notifications;

namespace Signpost.Core.Incidents;

/// <summary>Where incident emails go: payer support, platform operators (their address, else support's).</summary>
public sealed record IncidentRecipients(EmailAddress? Support, EmailAddress? Operators);

/// <summary>
/// Sends the creation emails an incident owes (docs/design.md §6 channels): payer support, platform operators and
/// the practice's administrators as its targets say, each at most once (<see cref="OnceOnlySender"/>).
/// An incident is marked notified only when every owed email went out, so a mail server that is down
/// delays the emails and loses none.
/// </summary>
public sealed class IncidentNotifications(IIncidentStore store, IPracticeAdminDirectory admins, OnceOnlySender sender, TimeProvider time)
{
    public async Task<IReadOnlyList<NotificationOutcome>> RunAsync(IncidentRecipients recipients, string publicBaseUrl, CancellationToken cancellationToken)
    {
        var outcomes = new List<NotificationOutcome>();
        foreach (var incident in await store.ListUnnotifiedAsync(50, cancellationToken))
        {
            var targets = incident.Targets.Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(t => Enum.TryParse<EscalationTarget>(t, out var target) ? target : (EscalationTarget?)null).OfType<EscalationTarget>().ToHashSet();
            var messages = new List<(string Key, EmailMessage Message)>();
            if (targets.Contains(EscalationTarget.PayerSupport) && recipients.Support is { } support)
            {
                messages.Add(($"incident/{incident.Id:N}/support", Compose(incident, [support], "payer support", publicBaseUrl)));
            }

            if (targets.Contains(EscalationTarget.PlatformOperators) && (recipients.Operators ?? recipients.Support) is { } operators)
            {
                messages.Add(($"incident/{incident.Id:N}/operators", Compose(incident, [operators], "platform operators", publicBaseUrl)));
            }

            if (targets.Contains(EscalationTarget.PracticeAdmins) && incident.OrganizationId is { } organizationId)
            {
                var practice = (await admins.ListAsync(organizationId, cancellationToken)).FirstOrDefault();
                if (practice is { Admins.Count: > 0 })
                {
                    // The data points were collected for support (addresses, other practices): a practice's administrators
                    // read them through the API, where the audience projection applies (docs/security.md).
                    messages.Add(($"incident/{incident.Id:N}/practice-admins", Compose(incident, practice.Admins, $"the administrators of {practice.Name}", publicBaseUrl, withDataPoints: false)));
                }
            }

            var allSent = true;
            foreach (var (key, message) in messages)
            {
                var outcome = await sender.SendAsync(key, message, null, cancellationToken);
                outcomes.Add(outcome);
                allSent &= outcome.Status is NotificationStatus.Sent or NotificationStatus.AlreadySent;
                if (outcome is { Status: NotificationStatus.Failed, ServerUnavailable: true })
                {
                    return outcomes;
                }
            }

            if (allSent)
            {
                await store.MarkNotifiedAsync(incident.Id, time.GetUtcNow(), cancellationToken);
            }
        }

        return outcomes;
    }

    /// <summary>The incident as a plain-text email: what, why, who, the trace IDs, and where to read more. Text only, so typed markup stays text.</summary>
    public static EmailMessage Compose(Incident incident, IReadOnlyList<EmailAddress> to, string audience, string publicBaseUrl, bool withDataPoints = true)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Signpost incident for {audience}.").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Title: {incident.Title}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Status: {incident.Status}");
        if (incident.RuleId is { } rule)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Rule: {rule}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Incident ID: {incident.Id}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Raised: {incident.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC").AppendLine();
        if (incident.Description is { } description)
        {
            text.AppendLine(description).AppendLine();
        }

        if (incident.CallbackNumber is { } callback)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Call back: {callback}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Trace IDs: {(incident.TraceIds.Length == 0 ? "none" : incident.TraceIds)}").AppendLine();
        if (withDataPoints)
        {
            text.AppendLine("Data points (JSON):").AppendLine(incident.DataPoints).AppendLine();
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"API: {publicBaseUrl.TrimEnd('/')}/api/v1/incidents/{incident.Id}");
        return new EmailMessage(to, $"Incident: {incident.Title}", text.ToString());
    }
}

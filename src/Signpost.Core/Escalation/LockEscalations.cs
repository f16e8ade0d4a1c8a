using System.Globalization;
using System.Text;
using Signpost.Core.Accounts;
using Signpost.Core.Email;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;
using Signpost.Core.Notifications;

namespace Signpost.Core.Escalation;

/// <summary>One run of <see cref="LockEscalations"/>: the rule's firings and what was sent for them.</summary>
public sealed record LockEscalationRun(
    IReadOnlyList<EscalationDecision<LockOutlastsMaintenanceEvidence>> Fired,
    IReadOnlyList<NotificationOutcome> Outcomes);

/// <summary>
/// Runs <see cref="LockOutlastsMaintenanceRule"/> over every lock in force and emails payer support once
/// per lock (a lock is one account, one device key, one end time). The rule depends on the clock, not on a
/// sign-in event, so the maintenance notifier calls this every tick and hands each firing to
/// <see cref="EscalationEngine.RaiseLockAsync"/> to become an incident.
/// </summary>
public sealed class LockEscalations(ILockoutStore lockouts, IAccountStore accounts, IMaintenanceStore windows, OnceOnlySender sender, TimeProvider time)
{
    public static string NotificationKey(LockOutlastsMaintenanceEvidence evidence) => string.Create(CultureInfo.InvariantCulture,
        $"escalation/{LockOutlastsMaintenanceRule.Id}/{evidence.AccountId:N}/{Uri.EscapeDataString(evidence.DeviceKey)}/{evidence.LockedUntil.ToUnixTimeMilliseconds()}");

    /// <param name="support">Payer support's address; when null the rule still runs and its firings are returned, nothing is sent.</param>
    /// <param name="publicBaseUrl">Base of the links in the message.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<LockEscalationRun> RunAsync(EmailAddress? support, string publicBaseUrl, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var fired = new List<EscalationDecision<LockOutlastsMaintenanceEvidence>>();
        var outcomes = new List<NotificationOutcome>();
        foreach (var counter in await lockouts.ListLockedAsync(now, cancellationToken))
        {
            if (counter.AccountId == Guid.Empty || LockOutlastsMaintenanceRule.LockStart(counter) is not { } lockStart)
            {
                continue;
            }

            var account = await accounts.FindByIdAsync(counter.AccountId, cancellationToken);
            if (account is null)
            {
                continue;
            }

            var memberships = account.Memberships.Where(m => m.Status == MembershipStatus.Active).ToList();
            var nearby = await windows.ListAsync(lockStart, now.AddTicks(1), includeCancelled: false, cancellationToken);
            var decision = LockOutlastsMaintenanceRule.Evaluate(
                new LockFacts(account.Id, account.Username, account.DisplayName, [.. memberships.Select(m => m.OrganizationId)], counter, nearby), now);
            if (!decision.Fired || decision.Evidence is not { } evidence)
            {
                continue;
            }

            fired.Add(decision);
            if (support is null)
            {
                continue;
            }

            var message = Compose(evidence, account, memberships, support, publicBaseUrl);
            var outcome = await sender.SendAsync(
                NotificationKey(evidence),
                message,
                async ct => await lockouts.GetAsync(counter.AccountId, counter.DeviceKey, ct) is { } current
                    && current.LockedUntil == evidence.LockedUntil && current.LockedUntil > now,
                cancellationToken);
            outcomes.Add(outcome);
            if (outcome is { Status: NotificationStatus.Failed, ServerUnavailable: true })
            {
                break;
            }
        }

        return new LockEscalationRun(fired, outcomes);
    }

    /// <summary>The ticket as an email to payer support: who, which lock, which window, and why it escalated.</summary>
    public static EmailMessage Compose(LockOutlastsMaintenanceEvidence evidence, Account account, IReadOnlyList<Membership> memberships, EmailAddress support, string publicBaseUrl)
    {
        var window = evidence.Window;
        var practices = memberships.Select(m => m.Organization?.Name).OfType<string>().ToList();
        var text = new StringBuilder();
        text.AppendLine("Signpost escalation to payer support.").AppendLine();
        text.AppendLine("Rule: account locked - the lock persists beyond the maintenance window it coincided with.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Rule ID: {LockOutlastsMaintenanceRule.Id}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Account: {evidence.DisplayName} ({evidence.Username}), ID {evidence.AccountId}");
        if (account.Npi is { } npi)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"NPI: {npi}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Email: {account.Email}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Practices: {(practices.Count == 0 ? "none" : string.Join(", ", practices))}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Lock: {(evidence.DeviceKey == LockoutCounter.UntrustedKey ? "every browser the account does not trust" : $"the trusted device {evidence.DeviceKey}")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  locked at    {MaintenanceNoticeComposer.Utc(evidence.LockStartedAt)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  locked until {MaintenanceNoticeComposer.Utc(evidence.LockedUntil)}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Maintenance window: {window.Scope}, ID {window.Id}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  from  {MaintenanceNoticeComposer.Utc(window.StartsAt)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  ended {MaintenanceNoticeComposer.Utc(evidence.WindowEndedAt)}{(evidence.WindowEndedAt < window.EndsAt ? " (closed early)" : "")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  message: {window.Message.ReplaceLineEndings(" ")}").AppendLine();
        text.AppendLine("The maintenance is over and the account is still locked, so the downtime does not explain the lock.");
        text.AppendLine("Check the account's recent sign-in events and help the user unlock it or reset the password.").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Maintenance history: {MaintenanceNoticeComposer.StatusLink(publicBaseUrl)}");

        var subject = $"Escalation: {evidence.Username} still locked after maintenance";
        return new EmailMessage([support], subject, text.ToString());
    }
}

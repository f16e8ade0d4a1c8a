using Microsoft.Extensions.Options;
using Signpost.Core.Email;
using Signpost.Core.Escalation;
using Signpost.Core.Maintenance;
using Signpost.Core.Notifications;
using Signpost.Web.Infrastructure;
using Signpost.Web.Setup;

namespace Signpost.Web.Maintenance;

/// <summary>
/// Runs <see cref="MaintenanceAlerts"/> (notices to practice admins) and <see cref="LockEscalations"/>
/// (locks that outlast maintenance → payer support) at start and then every
/// <see cref="NotifierOptions.IntervalSeconds"/>, on the injected clock. The decisions live in Core; this
/// only runs them and logs what happened. A failed run changes nothing and the next one tries again.
/// </summary>
public sealed partial class MaintenanceNotifier(
    IServiceScopeFactory scopes,
    IOptionsMonitor<SignpostOptions> options,
    IOptions<NotifierOptions> notifierOptions,
    JobLeases leases,
    ILogger<MaintenanceNotifier> logger) : BackgroundService
{
    private readonly HashSet<string> _reportedWithoutAddress = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifierOptions.Value.Enabled)
        {
            return;
        }

        await leases.RunEveryAsync(JobName, TimeSpan.FromSeconds(notifierOptions.Value.IntervalSeconds), RunOnceAsync, stoppingToken);
    }

    /// <summary>The lease that makes one node of many run this job.</summary>
    public const string JobName = "maintenance-notifier";

    /// <summary>One run: maintenance notices first, then escalations; one failing does not stop the other.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var outcomes = await scope.ServiceProvider.GetRequiredService<MaintenanceAlerts>().RunAsync(settings.PublicBaseUrl, cancellationToken);
            Log(outcomes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(logger, "maintenance notices", ex);
        }

        try
        {
            var support = string.IsNullOrWhiteSpace(settings.SupportEmail) ? null : new EmailAddress(settings.SupportEmail.Trim(), "Payer support");
            var run = await scope.ServiceProvider.GetRequiredService<LockEscalations>().RunAsync(support, settings.PublicBaseUrl, cancellationToken);
            Log(run.Outcomes);

            // The lock rule's firings become incidents too (webhook, support console); its email went out above.
            var engine = scope.ServiceProvider.GetRequiredService<EscalationEngine>();
            foreach (var decision in run.Fired)
            {
                await engine.RaiseLockAsync(decision, cancellationToken);
            }
            if (support is null)
            {
                foreach (var decision in run.Fired)
                {
                    // Once per lock, not every minute for as long as it lasts.
                    if (_reportedWithoutAddress.Count < 10_000 && _reportedWithoutAddress.Add(LockEscalations.NotificationKey(decision.Evidence!)))
                    {
                        LogNoSupportAddress(logger, decision.RuleId, decision.Evidence!.AccountId);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(logger, "escalations", ex);
        }
    }

    private void Log(IReadOnlyList<NotificationOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            switch (outcome.Status)
            {
                case NotificationStatus.Sent:
                    LogSent(logger, outcome.Key, outcome.Recipients);
                    break;
                case NotificationStatus.Failed:
                    LogFailed(logger, outcome.Key, outcome.Error ?? "unknown error");
                    break;
                case NotificationStatus.NoLongerWanted:
                    LogNoLongerWanted(logger, outcome.Key);
                    break;
            }
        }
    }

    [LoggerMessage(EventId = 3101, EventName = "MaintenanceNotifier.Sent", Level = LogLevel.Information, Message = "Sent notification {Key} to {Recipients} recipient(s)")]
    private static partial void LogSent(ILogger logger, string key, int recipients);

    [LoggerMessage(EventId = 3102, EventName = "MaintenanceNotifier.Failed", Level = LogLevel.Warning, Message = "Notification {Key} not sent: {Error}. Nothing was recorded; the next run tries again")]
    private static partial void LogFailed(ILogger logger, string key, string error);

    [LoggerMessage(EventId = 3103, EventName = "MaintenanceNotifier.NoLongerWanted", Level = LogLevel.Information, Message = "Notification {Key} no longer needed (cancelled, or the lock lifted) and was not sent")]
    private static partial void LogNoLongerWanted(ILogger logger, string key);

    [LoggerMessage(EventId = 3104, EventName = "MaintenanceNotifier.NoSupportAddress", Level = LogLevel.Warning, Message = "Escalation {RuleId} fired for account {AccountId}, but Signpost:SupportEmail is not set: nobody was emailed")]
    private static partial void LogNoSupportAddress(ILogger logger, string ruleId, Guid accountId);

    [LoggerMessage(EventId = 3105, EventName = "MaintenanceNotifier.RunFailed", Level = LogLevel.Error, Message = "The notifier's {Part} run failed; the next run tries again")]
    private static partial void LogRunFailed(ILogger logger, string part, Exception exception);
}

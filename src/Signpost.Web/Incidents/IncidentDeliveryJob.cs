using Microsoft.Extensions.Options;
using Signpost.Core.Email;
using Signpost.Core.Incidents;
using Signpost.Core.Notifications;
using Signpost.Web.Infrastructure;
using Signpost.Web.Setup;

namespace Signpost.Web.Incidents;

/// <summary>
/// The leased job (one node of many) that sends what incidents owe: creation emails
/// (<see cref="IncidentNotifications"/>) and webhook deliveries (<see cref="WebhookDispatcher"/>). One part
/// failing does not stop the other; nothing is lost, the next run tries again.
/// </summary>
public sealed partial class IncidentDeliveryJob(
    IServiceScopeFactory scopes,
    IOptionsMonitor<SignpostOptions> signpost,
    IOptions<IncidentOptions> options,
    JobLeases leases,
    ILogger<IncidentDeliveryJob> logger) : BackgroundService
{
    public const string JobName = "incident-deliveries";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await leases.RunEveryAsync(JobName, TimeSpan.FromSeconds(options.Value.DeliveryIntervalSeconds), RunOnceAsync, stoppingToken);
    }

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = signpost.CurrentValue;
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var support = string.IsNullOrWhiteSpace(settings.SupportEmail) ? null : new EmailAddress(settings.SupportEmail.Trim(), "Payer support");
            var operators = string.IsNullOrWhiteSpace(options.Value.OperatorsEmail) ? null : new EmailAddress(options.Value.OperatorsEmail.Trim(), "Platform operators");
            var outcomes = await scope.ServiceProvider.GetRequiredService<IncidentNotifications>()
                .RunAsync(new IncidentRecipients(support, operators), settings.PublicBaseUrl, cancellationToken);
            foreach (var outcome in outcomes.Where(o => o.Status == NotificationStatus.Failed))
            {
                LogEmailFailed(logger, outcome.Key, outcome.Error ?? "unknown error");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(logger, "incident emails", ex);
        }

        try
        {
            await scope.ServiceProvider.GetRequiredService<WebhookDispatcher>().RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(logger, "webhook deliveries", ex);
        }
    }

    [LoggerMessage(EventId = 3221, EventName = "IncidentDeliveryJob.EmailFailed", Level = LogLevel.Warning, Message = "Incident email {Key} not sent: {Error}; the next run tries again")]
    private static partial void LogEmailFailed(ILogger logger, string key, string error);

    [LoggerMessage(EventId = 3222, EventName = "IncidentDeliveryJob.RunFailed", Level = LogLevel.Error, Message = "The incident delivery job's {Part} run failed; the next run tries again")]
    private static partial void LogRunFailed(ILogger logger, string part, Exception exception);
}

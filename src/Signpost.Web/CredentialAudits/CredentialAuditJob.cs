using Microsoft.Extensions.Options;
using Signpost.Core.CredentialAudits;
using Signpost.Web.Infrastructure;
using Signpost.Web.Setup;

namespace Signpost.Web.CredentialAudits;

/// <summary>
/// Checks every <see cref="CredentialAuditOptions.IntervalMinutes"/> (on the injected clock, on the one node
/// holding the lease) whether a review period ended, and emails each practice's admins the report of that
/// period once. The decisions live in Core (<see cref="ScheduledCredentialAudits"/>); this only runs and logs them.
/// </summary>
public sealed partial class CredentialAuditJob(
    IServiceScopeFactory scopes,
    IOptionsMonitor<SignpostOptions> signpost,
    IOptions<CredentialAuditOptions> options,
    JobLeases leases,
    ILogger<CredentialAuditJob> logger) : BackgroundService
{
    /// <summary>The lease that makes one node of many run this job.</summary>
    public const string JobName = "credential-audits";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await leases.RunEveryAsync(JobName, TimeSpan.FromMinutes(options.Value.IntervalMinutes), RunOnceAsync, stoppingToken);
    }

    /// <summary>One run: every report due now, each at most once; a failure is logged, not thrown.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var outcomes = await scope.ServiceProvider.GetRequiredService<ScheduledCredentialAudits>()
                .RunAsync(options.Value.PeriodMonths, options.Value.Thresholds, signpost.CurrentValue.PublicBaseUrl, cancellationToken);
            foreach (var outcome in outcomes)
            {
                if (outcome.Status == Core.Notifications.NotificationStatus.Sent)
                {
                    LogSent(logger, outcome.Key, outcome.Recipients);
                }
                else if (outcome.Status == Core.Notifications.NotificationStatus.Failed)
                {
                    LogNotSent(logger, outcome.Key, outcome.Error ?? "unknown error");
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 3301, EventName = "CredentialAuditJob.Sent", Level = LogLevel.Information, Message = "Sent credential audit {Key} to {Recipients} practice admin(s)")]
    private static partial void LogSent(ILogger logger, string key, int recipients);

    [LoggerMessage(EventId = 3302, EventName = "CredentialAuditJob.NotSent", Level = LogLevel.Warning, Message = "Credential audit {Key} not sent: {Error}. Nothing was recorded; the next run tries again")]
    private static partial void LogNotSent(ILogger logger, string key, string error);

    [LoggerMessage(EventId = 3303, EventName = "CredentialAuditJob.RunFailed", Level = LogLevel.Error, Message = "The credential audit run failed; the next run tries again")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}

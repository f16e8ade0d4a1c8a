using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Signpost.Core.Notifications;
using Signpost.Web.Queries;
using Signpost.Web.Setup;

namespace Signpost.Web.Sso;

/// <summary>
/// Checks every connection every <see cref="SsoOptions.HealthCheckIntervalMinutes"/> on one node (a lease),
/// keeps the history and sends the alerts. Connections are checked one after another with the backchannel
/// timeout each, so one dead provider delays the run by at most that timeout.
/// </summary>
public sealed class SsoHealthJob(IServiceScopeFactory scopes, IOptions<SsoOptions> options, JobLeases leases, ILogger<SsoHealthJob> logger) : BackgroundService
{
    public const string JobName = "sso-health";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.HealthChecksEnabled)
        {
            return;
        }

        await leases.RunEveryAsync(JobName, TimeSpan.FromMinutes(options.Value.HealthCheckIntervalMinutes), RunOnceAsync, stoppingToken);
    }

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var connections = await services.GetRequiredService<SsoQueries>().ListEnabledConnectionsAsync(cancellationToken);
            foreach (var connection in connections)
            {
                var report = await services.GetRequiredService<SsoHealthChecker>().CheckAndRecordAsync(connection, cancellationToken);
                SsoLog.HealthChecked(logger, connection.Id, report.Status.ToString());
                var outcome = await services.GetRequiredService<SsoHealthAlerts>().AlertAsync(connection, report, cancellationToken);
                if (outcome is { Status: NotificationStatus.Failed } failed)
                {
                    SsoLog.AlertFailed(logger, failed.Key, failed.Error ?? "unknown");
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            SsoLog.HealthRunFailed(logger, ex);
        }
    }
}

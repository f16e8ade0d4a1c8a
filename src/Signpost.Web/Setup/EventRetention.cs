using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Scheduling;
using Signpost.Data.Postgres;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Setup;

/// <summary>
/// Deletes sign-in events past the retention period (default 400 days), once at start and then daily. On SQLite
/// it deletes the rows; on PostgreSQL it drops each month whose events are all past retention, then deletes the
/// rows still past it (in the month holding the cutoff and in DEFAULT) (docs/capacity.md, "Sign-in events on PostgreSQL").
/// The same run deletes lockout counters quiet for a day (<see cref="ILockoutStore.PurgeQuietAsync"/>).
/// </summary>
public sealed partial class EventRetention(IServiceScopeFactory scopes, IOptionsMonitor<SignpostOptions> options, TimeProvider time, JobLeases leases, DatabaseSetup database, ILogger<EventRetention> logger)
    : BackgroundService
{
    /// <summary>The lease that makes one node of many run this job.</summary>
    public const string JobName = "event-retention";

    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Hourly ticks, daily work: the lease holder purges when a day has passed since its last purge.
        DateTimeOffset? lastRun = null;
        await leases.WhenJobsMayStartAsync(stoppingToken);
        try
        {
            bool more;
            do
            {
                var tick = JobLeases.Tick(time, Interval, stoppingToken);
                try
                {
                    await leases.RunIfHolderAsync(JobName, Interval, async ct =>
                    {
                        if (lastRun is { } last && time.GetUtcNow() - last < TimeSpan.FromDays(1))
                        {
                            return;
                        }

                        lastRun = time.GetUtcNow();
                        await RunOnceAsync(ct);
                    }, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                }

                more = await JobLeases.ArrivedAsync(tick, stoppingToken);
            }
            while (more);
        }
        finally
        {
            await leases.ReleaseAsync(JobName);
        }
    }

    /// <summary>Deletes events past retention, rate counters of windows over a day old and lockout counters that hold nothing.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        // A year of events can take a while to delete: not a request-sized statement timeout.
        scope.ServiceProvider.GetRequiredService<Signpost.Data.SignpostDbContext>().Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        var now = time.GetUtcNow();
        var cutoff = now.AddDays(-options.CurrentValue.EventRetentionDays);
        if (database.Provider == DatabaseProvider.PostgreSQL)
        {
            var deleted = await scope.ServiceProvider.GetRequiredService<PostgresEventPartitions>().DropOlderThanAsync(cutoff,
                month => LogDroppedMonth(logger, month.Name, month.Events, month.From, month.To, cutoff), cancellationToken);

            if (deleted > 0)
            {
                LogPurged(logger, deleted, cutoff);
            }
        }
        else
        {
            var purged = await scope.ServiceProvider.GetRequiredService<ISignInEventStore>().PurgeOlderThanAsync(cutoff, cancellationToken);
            if (purged > 0)
            {
                LogPurged(logger, purged, cutoff);
            }
        }

        await scope.ServiceProvider.GetRequiredService<IRateCounterStore>()
            .PurgeBeforeAsync(RateLimiting.WindowOf(now - TimeSpan.FromDays(1)), cancellationToken);

        // Lockout counters that hold nothing any more (docs/security.md, "Exact counting"): one conditional DELETE,
        // so a check reserved meanwhile keeps its row.
        var counters = await scope.ServiceProvider.GetRequiredService<ILockoutStore>().PurgeQuietAsync(now, cancellationToken);
        if (counters > 0)
        {
            LogPurgedCounters(logger, counters);
        }
    }

    [LoggerMessage(EventId = 2004, EventName = "EventRetention.PurgedCounters", Level = LogLevel.Information, Message = "Purged {Count} lockout counters that held nothing")]
    private static partial void LogPurgedCounters(ILogger logger, int count);

    [LoggerMessage(EventId = 2001, EventName = "EventRetention.Purged", Level = LogLevel.Information, Message = "Purged {Count} sign-in events older than {Cutoff:O}")]
    private static partial void LogPurged(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 2003, EventName = "EventRetention.DroppedMonth", Level = LogLevel.Information, Message = "Dropped sign-in event partition {Partition}: {Count} events from {From:O} to {To:O}, all older than {Cutoff:O}")]
    private static partial void LogDroppedMonth(ILogger logger, string partition, long count, DateTimeOffset from, DateTimeOffset to, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 2002, EventName = "EventRetention.Failed", Level = LogLevel.Warning, Message = "Event retention run failed; will retry tomorrow")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

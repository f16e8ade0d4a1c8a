using Signpost.Core.Analytics;
using Signpost.Data.Analytics;
using Signpost.Web.Setup;

namespace Signpost.Web.Analytics;

/// <summary>
/// Keeps the daily analytics aggregates up to date (docs/analytics.md, "How the numbers are kept"): every
/// <see cref="Interval"/>, on the node holding the lease, it counts the slices of events past the watermarks,
/// then refreshes the figures the metrics report. A failed run is logged; the next one carries on from the
/// watermarks.
/// </summary>
public sealed partial class AnalyticsJob(IServiceScopeFactory scopes, JobLeases leases, AnalyticsMetrics metrics, TimeProvider time, ILogger<AnalyticsJob> logger)
    : BackgroundService
{
    /// <summary>The lease that makes one node of many run this job.</summary>
    public const string JobName = "analytics";

    /// <summary>How often the job looks for new events.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>Slices per run: a month of days that hold events per kind (empty days cost none), so a first run over a year of events still ends.</summary>
    public const int SlicesPerRun = 31;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        leases.RunEveryAsync(JobName, Interval, RunOnceAsync, stoppingToken);

    /// <summary>One run: count what is new, then refresh the metrics' figures; a failure is logged, not thrown.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var counted = await scope.ServiceProvider.GetRequiredService<AnalyticsAggregator>().RunAsync(SlicesPerRun, cancellationToken);
            if (counted > 0)
            {
                LogCounted(logger, counted);
            }

            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var report = await scope.ServiceProvider.GetRequiredService<IAnalyticsReader>()
                .ReadAsync(new AnalyticsFilter(today.AddDays(1 - AnalyticsMetrics.Days), today), cancellationToken);
            metrics.Update(report);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 3501, EventName = "Analytics.Counted", Level = LogLevel.Information, Message = "Analytics: counted {Slices} slice(s) of sign-in events")]
    private static partial void LogCounted(ILogger logger, int slices);

    [LoggerMessage(EventId = 3502, EventName = "Analytics.Failed", Level = LogLevel.Warning, Message = "Analytics run failed; the next run carries on from the watermarks")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

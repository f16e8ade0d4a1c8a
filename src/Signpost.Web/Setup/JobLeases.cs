using System.Diagnostics;
using Signpost.Core.Scheduling;
using Signpost.Core.Telemetry;

namespace Signpost.Web.Setup;

/// <summary>
/// Runs a scheduled job only on the node holding its lease in the database, so N nodes run each job
/// once. The holder renews at every tick; the lease lasts three intervals, so when the holder stops
/// another node takes over within three ticks. Each run is a span (<c>signpost.job.run</c>) and is counted
/// (<c>signpost.job.runs</c>, docs/observability.md); the per-tick log line is at Debug.
/// </summary>
public sealed partial class JobLeases(IServiceScopeFactory scopes, TimeProvider time, ILogger<JobLeases> logger, JobStart? start = null, SignpostMetrics? metrics = null)
{
    /// <summary>This process's name in the leases table: machine, process ID and a random part.</summary>
    public string Node { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Completes when a job's loop may begin: after this node answered its first request, or a few seconds
    /// after it began listening (<see cref="JobStart"/>), so the jobs' first queries do not compete with the
    /// first page. Every job's loop awaits it first.
    /// </summary>
    public Task WhenJobsMayStartAsync(CancellationToken stoppingToken) => start?.WaitAsync(stoppingToken) ?? Task.CompletedTask;

    /// <summary>
    /// The loop of a scheduled job: at start (<see cref="WhenJobsMayStartAsync"/>) and then every
    /// <paramref name="interval"/> on the injected clock, run when this node holds the lease; give the lease up when the node stops.
    /// </summary>
    public async Task RunEveryAsync(string job, TimeSpan interval, Func<CancellationToken, Task> run, CancellationToken stoppingToken)
    {
        try
        {
            await WhenJobsMayStartAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            bool more;
            do
            {
                var tick = Tick(time, interval, stoppingToken);
                await RunIfHolderAsync(job, interval, run, stoppingToken);
                more = await ArrivedAsync(tick, stoppingToken);
            }
            while (more);
        }
        finally
        {
            await ReleaseAsync(job);
        }
    }

    /// <summary>
    /// The next tick, armed before a run so that time passing during the run still counts. A one-shot
    /// delay per tick rather than a periodic timer: when the clock jumps (a test's hand-moved clock crossing
    /// a month), a periodic timer on that clock is fired for every period it skipped — hundreds of
    /// thousands of wake-ups for a 15-second job — where a delay fires once. The job runs once either way.
    /// </summary>
    public static Task Tick(TimeProvider time, TimeSpan interval, CancellationToken stoppingToken) =>
        Task.Delay(interval, time, stoppingToken);

    /// <summary>Waits for <paramref name="tick"/>; false once the node stops.</summary>
    public static async Task<bool> ArrivedAsync(Task tick, CancellationToken stoppingToken)
    {
        try
        {
            await tick;
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Runs <paramref name="run"/> when this node holds (or takes) the lease of <paramref name="job"/>; returns whether it ran.</summary>
    public async Task<bool> RunIfHolderAsync(string job, TimeSpan interval, Func<CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        bool holder;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            holder = await scope.ServiceProvider.GetRequiredService<ILeaseStore>()
                .TryAcquireAsync(job, Node, interval * 3, time.GetUtcNow(), cancellationToken);
        }
        catch (Exception ex) when (Infrastructure.FailureHandler.IsDependencyFailure(ex))
        {
            LogLeaseUnavailable(logger, job, ex.GetType().Name);
            return false;
        }

        if (!holder)
        {
            return false;
        }

        LogRunning(logger, job, Node);
        using var span = SignpostTelemetry.Source.StartActivity("signpost.job.run");
        span?.SetTag(SignpostTelemetry.Tags.Job, job);
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            await run(cancellationToken);
            outcome = "completed";
        }
        finally
        {
            span?.SetTag(SignpostTelemetry.Tags.Outcome, outcome);
            metrics?.JobRan(job, outcome, Stopwatch.GetElapsedTime(started));
        }

        return true;
    }

    /// <summary>Gives the lease up when the node stops, so another node need not wait it out.</summary>
    public async Task ReleaseAsync(string job)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ILeaseStore>().ReleaseAsync(job, Node, CancellationToken.None);
        }
        catch (Exception ex) when (Infrastructure.FailureHandler.IsDependencyFailure(ex) || ex is InvalidOperationException or ObjectDisposedException)
        {
            // Shutting down with the database gone: the lease simply runs out.
        }
    }

    // Every tick of every job: chatter at Information, so Debug (docs/observability.md).
    [LoggerMessage(EventId = 2101, EventName = "JobLeases.Running", Level = LogLevel.Debug, Message = "Running scheduled job {Job} on node {Node}")]
    private static partial void LogRunning(ILogger logger, string job, string node);

    [LoggerMessage(EventId = 2102, EventName = "JobLeases.LeaseUnavailable", Level = LogLevel.Warning, Message = "Scheduled job {Job} skipped: its lease could not be read ({ExceptionType})")]
    private static partial void LogLeaseUnavailable(ILogger logger, string job, string exceptionType);
}

using Signpost.Data.Postgres;

namespace Signpost.Web.Setup;

/// <summary>
/// PostgreSQL only: keeps the sign-in events' partitions made ahead — this month's and the next month's, and
/// the DEFAULT partition that takes any event no month holds, so an insert never fails for want of a
/// partition. Runs at start and hourly on the node holding its lease; on SQLite it does nothing. Events that
/// landed in DEFAULT for a month this job then makes move into that month. See docs/capacity.md, "Sign-in
/// events on PostgreSQL".
/// </summary>
public sealed partial class EventPartitionJob(IServiceScopeFactory scopes, DatabaseSetup database, TimeProvider time, JobLeases leases, ILogger<EventPartitionJob> logger)
    : BackgroundService
{
    /// <summary>The lease that makes one node of many run this job.</summary>
    public const string JobName = "event-partitions";

    /// <summary>Months made after the current one: a month's partition is there a month before its first event.</summary>
    public const int MonthsAhead = 1;

    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        database.Provider != DatabaseProvider.PostgreSQL
            ? Task.CompletedTask
            : leases.RunEveryAsync(JobName, Interval, async ct =>
            {
                try
                {
                    await RunOnceAsync(ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                }
            }, stoppingToken);

    /// <summary>Makes what is missing of the DEFAULT partition, this month and the next; returns the partitions made.</summary>
    public async Task<IReadOnlyList<string>> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var made = await scope.ServiceProvider.GetRequiredService<PostgresEventPartitions>()
            .EnsureAsync(time.GetUtcNow(), MonthsAhead, cancellationToken);
        foreach (var name in made)
        {
            LogMade(logger, name);
        }

        return made;
    }

    [LoggerMessage(EventId = 2005, EventName = "EventPartitions.Made", Level = LogLevel.Information, Message = "Made sign-in event partition {Partition}")]
    private static partial void LogMade(ILogger logger, string partition);

    [LoggerMessage(EventId = 2006, EventName = "EventPartitions.Failed", Level = LogLevel.Warning, Message = "Making sign-in event partitions failed; the next hourly run tries again (inserts meanwhile land in the DEFAULT partition)")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

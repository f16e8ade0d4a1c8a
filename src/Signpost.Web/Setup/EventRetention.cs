using Microsoft.Extensions.Options;
using Signpost.Core.Events;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Setup;

/// <summary>Deletes sign-in events past the retention period (default 400 days), once at start and then daily.</summary>
public sealed partial class EventRetention(IServiceScopeFactory scopes, IOptionsMonitor<SignpostOptions> options, TimeProvider time, ILogger<EventRetention> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromDays(1), time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<ISignInEventStore>();
                var cutoff = time.GetUtcNow().AddDays(-options.CurrentValue.EventRetentionDays);
                var purged = await store.PurgeOlderThanAsync(cutoff, stoppingToken);
                if (purged > 0)
                {
                    LogPurged(logger, purged, cutoff);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Purged {Count} sign-in events older than {Cutoff:O}")]
    private static partial void LogPurged(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Event retention run failed; will retry tomorrow")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

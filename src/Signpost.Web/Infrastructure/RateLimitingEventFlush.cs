using Signpost.Core.Events;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// On a graceful stop, writes the <c>rate_limited</c> events still queued in <see cref="RefusalEventBatch"/>
/// (docs/capacity.md, "Refusals' events, written together"). It stops after the web server, so the requests the
/// server drained have had their events committed, and nothing queued is left behind.
/// </summary>
public sealed class RateLimitingEventFlush(RefusalEventBatch batch) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => batch.CompleteAsync().WaitAsync(cancellationToken);
}

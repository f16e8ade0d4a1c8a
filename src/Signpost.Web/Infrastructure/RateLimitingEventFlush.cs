using Signpost.Core.Events;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// On a graceful stop, writes the <c>rate_limited</c> events still queued in <see cref="RefusalEventBatch"/>
/// (docs/capacity.md, "Refusals' events, written together"), without waiting for the linger. A refusal made
/// after this (a request the server still drains) finds the queue closed and writes its own event.
/// </summary>
public sealed class RateLimitingEventFlush(RefusalEventBatch batch) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => batch.CompleteAsync().WaitAsync(cancellationToken);
}

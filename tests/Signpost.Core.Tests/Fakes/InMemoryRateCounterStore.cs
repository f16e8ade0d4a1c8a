using System.Collections.Concurrent;
using Signpost.Core.Scheduling;

namespace Signpost.Core.Tests.Fakes;

internal sealed class InMemoryRateCounterStore : IRateCounterStore
{
    private readonly ConcurrentDictionary<(string Key, long Window), int> _counts = new();

    public Task<int> HitAsync(string key, long window, CancellationToken cancellationToken) =>
        Task.FromResult(_counts.AddOrUpdate((key, window), 1, (_, count) => count + 1));

    public Task<int> PurgeBeforeAsync(long window, CancellationToken cancellationToken)
    {
        var old = _counts.Keys.Where(k => k.Window < window).ToList();
        old.ForEach(k => _counts.TryRemove(k, out _));
        return Task.FromResult(old.Count);
    }
}

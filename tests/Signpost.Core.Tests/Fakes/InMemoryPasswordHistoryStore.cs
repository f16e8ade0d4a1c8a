using System.Collections.Concurrent;
using Signpost.Core.Passwords;

namespace Signpost.Core.Tests.Fakes;

public sealed class InMemoryPasswordHistoryStore : IPasswordHistoryStore
{
    private readonly ConcurrentDictionary<Guid, List<string>> _hashes = new();

    public IReadOnlyList<string> For(Guid accountId) => _hashes.TryGetValue(accountId, out var list) ? [.. list] : [];

    public Task<IReadOnlyList<string>> RecentAsync(Guid accountId, int take, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. For(accountId).Take(take)]);

    public Task RememberAsync(Guid accountId, string passwordHash, DateTimeOffset replacedAt, int keep, CancellationToken cancellationToken)
    {
        var list = _hashes.GetOrAdd(accountId, _ => []);
        lock (list)
        {
            if (keep > 0)
            {
                list.Insert(0, passwordHash);
            }

            if (list.Count > keep)
            {
                list.RemoveRange(keep, list.Count - keep);
            }
        }

        return Task.CompletedTask;
    }
}

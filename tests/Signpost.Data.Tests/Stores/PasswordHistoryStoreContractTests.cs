using Microsoft.EntityFrameworkCore;
using Signpost.Core.Passwords;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>Earlier password hashes: kept newest first, and no more of them than the policy needs.</summary>
public sealed class PasswordHistoryStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RememberAsync_BeyondKeep_PrunesTheOldestAndRecentIsNewestFirst(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = await host.AddAccountAsync("history.one");

        for (var i = 1; i <= 5; i++)
        {
            var hash = $"hash-{i}";
            await host.WithAsync<IPasswordHistoryStore>(store => store.RememberAsync(accountId, hash, Now.AddDays(i), keep: 3, CancellationToken.None));
        }

        Assert.Equal(["hash-5", "hash-4", "hash-3"], await host.WithAsync<IPasswordHistoryStore, IReadOnlyList<string>>(store => store.RecentAsync(accountId, 10, CancellationToken.None)));
        Assert.Equal(["hash-5", "hash-4"], await host.WithAsync<IPasswordHistoryStore, IReadOnlyList<string>>(store => store.RecentAsync(accountId, 2, CancellationToken.None)));
        var rows = await host.DbAsync(db => db.PasswordHistory.AsNoTracking().OrderBy(h => h.Id).Select(h => new { h.PasswordHash, h.ReplacedAt }).ToListAsync());
        Assert.Equal([("hash-3", Now.AddDays(3)), ("hash-4", Now.AddDays(4)), ("hash-5", Now.AddDays(5))], rows.Select(r => (r.PasswordHash, r.ReplacedAt)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RememberAsync_KeepZero_ForgetsTheWholeHistoryOfThatAccountOnly(string provider)
    {
        var host = await StartAsync(provider);
        var accountId = await host.AddAccountAsync("history.two");
        var otherId = await host.AddAccountAsync("history.three");
        await host.WithAsync<IPasswordHistoryStore>(store => store.RememberAsync(accountId, "old-1", Now, keep: 5, CancellationToken.None));
        await host.WithAsync<IPasswordHistoryStore>(store => store.RememberAsync(otherId, "other-1", Now, keep: 5, CancellationToken.None));

        await host.WithAsync<IPasswordHistoryStore>(store => store.RememberAsync(accountId, "old-2", Now.AddDays(1), keep: 0, CancellationToken.None));

        Assert.Empty(await host.WithAsync<IPasswordHistoryStore, IReadOnlyList<string>>(store => store.RecentAsync(accountId, 10, CancellationToken.None)));
        Assert.Equal(["other-1"], await host.DbAsync(db => db.PasswordHistory.AsNoTracking().Select(h => h.PasswordHash).ToListAsync()));
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Signpost.Data.Search;

/// <summary>
/// Each node's estimate of how common each trigram is among accounts and practices (<see cref="TrigramShares"/>),
/// which a partial search on SQLite uses to read only its text's rare trigrams from the FTS5 index
/// (docs/support-console.md, "Common trigrams"). Sampled in the background on the first partial search and again
/// when older than <see cref="Lifetime"/>; until the first sample ends a search reads every trigram, as it did
/// before. On PostgreSQL nothing is sampled: pg_trgm's index serves the <c>LIKE</c> itself.
/// </summary>
public sealed class SearchTermFrequencies(IServiceScopeFactory scopes, TimeProvider time, ILogger<SearchTermFrequencies> logger)
{
    /// <summary>How long a sample stands: the shares of trigrams move slowly, with the accounts and practices created.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(6);

    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(5);

    private Snapshot? _current;
    private int _sampling;

    private sealed record Snapshot(TrigramShares? Accounts, TrigramShares? Practices, DateTimeOffset TakenAt);

    /// <summary>The sampling under way, if one is; for tests and the bench that wait for it.</summary>
    public Task Sampled { get; private set; } = Task.CompletedTask;

    /// <summary>The table's shares, or null until the first sample ends; starts a sample when there is none or it is stale.</summary>
    public TrigramShares? For(SearchTable table)
    {
        var current = Volatile.Read(ref _current);
        if (current is null || time.GetUtcNow() - current.TakenAt >= Lifetime)
        {
            StartSampling();
        }

        return table == SearchTable.Accounts ? current?.Accounts : current?.Practices;
    }

    private void StartSampling()
    {
        if (Interlocked.CompareExchange(ref _sampling, 1, 0) != 0)
        {
            return;
        }

        Sampled = Task.Run(async () =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<SignpostDbContext>();
                if (db.Database.ProviderName != SupportSearch.SqliteProvider)
                {
                    Volatile.Write(ref _current, new Snapshot(null, null, DateTimeOffset.MaxValue));
                    return;
                }

                var started = time.GetTimestamp();
                var accounts = await TrigramShares.SampleAsync(db, SearchTable.Accounts);
                var practices = await TrigramShares.SampleAsync(db, SearchTable.Practices);
                Volatile.Write(ref _current, new Snapshot(accounts, practices, time.GetUtcNow()));
                logger.LogInformation("Sampled {Accounts} accounts and {Practices} practices for search's common trigrams in {Elapsed} ms",
                    accounts.Rows, practices.Rows, (long)time.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception ex)
            {
                // Searches go on with what they had, or read every trigram (slower, never wrong); a search five
                // minutes from now tries again.
                logger.LogWarning(ex, "Sampling the search's common trigrams failed");
                var previous = Volatile.Read(ref _current);
                Volatile.Write(ref _current, new Snapshot(previous?.Accounts, previous?.Practices, time.GetUtcNow() - Lifetime + RetryAfterFailure));
            }
            finally
            {
                Volatile.Write(ref _sampling, 0);
            }
        });
    }
}

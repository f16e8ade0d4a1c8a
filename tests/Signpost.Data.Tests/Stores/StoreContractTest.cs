using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// Base of the store contract tests: each test is a <c>[Theory]</c> over <see cref="Providers"/>, so the
/// same body runs against a real SQLite file and a real PostgreSQL database (STYLE.md habit 7).
/// </summary>
[Collection(StoreCollection.Name)]
public abstract class StoreContractTest(PostgresServer postgres) : IAsyncLifetime
{
    /// <summary>A fixed instant: both databases round-trip it exactly (SQLite keeps milliseconds, PostgreSQL microseconds).</summary>
    protected static readonly DateTimeOffset Now = new(2026, 11, 30, 14, 0, 0, TimeSpan.Zero);

    private readonly List<StoreHost> _hosts = [];

    public static TheoryData<string> Providers => new() { StoreHost.Sqlite, StoreHost.PostgreSQL };

    protected async Task<StoreHost> StartAsync(string provider)
    {
        var host = await StoreHost.StartAsync(provider, postgres);
        _hosts.Add(host);
        return host;
    }

    /// <summary>Runs <paramref name="count"/> calls at once, each released by the same signal, and returns their results in order.</summary>
    protected static async Task<T[]> ConcurrentlyAsync<T>(int count, Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(calls);
    }

    /// <summary>
    /// The plan the database chooses for the query as EF sends it (same SQL, same parameters). On PostgreSQL sequential
    /// scans are switched off: at a test's size one is still estimated cheaper than an index, and the question a plan
    /// test asks is whether an index serves these exact expressions (a <c>ToUpper</c> turned <c>ToLower</c> would not).
    /// </summary>
    protected static Task<string> PlanAsync<T>(StoreHost host, Func<SignpostDbContext, IQueryable<T>> query) => host.DbAsync(async db =>
    {
        await using var command = query(db).CreateDbCommand();
        command.CommandText = (host.Provider == StoreHost.Sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + command.CommandText;
        await db.Database.OpenConnectionAsync();
        if (host.Provider == StoreHost.PostgreSQL)
        {
            await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");
        }

        command.Connection = db.Database.GetDbConnection();
        var lines = new List<string>();
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetValue(reader.FieldCount - 1).ToString()!);
        }

        return string.Join('\n', lines);
    });

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}

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

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}

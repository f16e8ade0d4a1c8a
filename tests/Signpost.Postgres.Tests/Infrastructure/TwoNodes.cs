namespace Signpost.Postgres.Tests.Infrastructure;

/// <summary>
/// Two Signpost nodes over one new PostgreSQL database, migrated first by <c>signpost migrate</c> as a
/// deployment does. Node A seeds the demo practice and is healthy before node B starts (without
/// <c>--demo</c>), so only one node ever seeds.
/// </summary>
public sealed class TwoNodes : IAsyncDisposable
{
    private TwoNodes(string connectionString, SignpostNode a, SignpostNode b)
    {
        ConnectionString = connectionString;
        A = a;
        B = b;
    }

    public string ConnectionString { get; }

    public SignpostNode A { get; }

    public SignpostNode B { get; }

    /// <param name="connectionOptions">Appended to both nodes' connection string, e.g. <c>Timeout=15</c>.</param>
    /// <param name="settings"><c>Key=Value</c> configuration for both nodes.</param>
    public static async Task<TwoNodes> StartAsync(PostgresServer postgres, string? connectionOptions = null, params string[] settings)
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync(connectionOptions);
        var a = await SignpostNode.StartAsync("A", connectionString, demo: true, settings);
        try
        {
            var b = await SignpostNode.StartAsync("B", connectionString, demo: false, settings);
            return new TwoNodes(connectionString, a, b);
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}

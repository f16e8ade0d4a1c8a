using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Signpost.Data;
using Signpost.Postgres.Tests.Infrastructure;
using Signpost.Web.Infrastructure;
using Signpost.Web.Setup;

namespace Signpost.Postgres.Tests.Events;

/// <summary>
/// The event retention and partition jobs in process, as the host wires them (<c>AddSignpostDatabase</c>,
/// <c>AddSignpostEventRetention</c>), over one database of the collection's server, on a hand-moved clock and
/// with their log lines kept. In process rather than a <c>signpost</c> child: the jobs' work is SQL, and a
/// node would cost seconds to start for each test.
/// </summary>
public sealed class EventPartitionHost : IAsyncDisposable
{
    /// <summary>The PostgreSQL migration just before <c>EventPartitions</c>: a database as it was before partitioning.</summary>
    public static readonly string BeforePartitions = PreviousMigration("_EventPartitions");

    private readonly ServiceProvider _services;

    private EventPartitionHost(string connectionString, FakeTimeProvider time, int retentionDays)
    {
        ConnectionString = connectionString;
        Time = time;
        var database = new DatabaseSetup(DatabaseProvider.PostgreSQL, connectionString);
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(new LinesProvider(Lines)).SetMinimumLevel(LogLevel.Information))
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<JobLeases>()
            .AddSignpostDatabase(database)
            .AddSignpostEventRetention();
        services.AddOptions<SignpostOptions>().Configure(o => o.EventRetentionDays = retentionDays);
        _services = services.BuildServiceProvider();
    }

    public string ConnectionString { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>Every log line the jobs wrote, "Category: message".</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public EventRetention Retention => _services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<EventRetention>().Single();

    public EventPartitionJob Partitions => _services.GetRequiredService<EventPartitionJob>();

    /// <summary>A new database on <paramref name="server"/>, migrated up to <paramref name="migration"/> (null: all).</summary>
    public static async Task<EventPartitionHost> StartAsync(PostgresServer server, DateTimeOffset now, string? migration = null, int retentionDays = 400)
    {
        var host = new EventPartitionHost(await server.CreateDatabaseAsync(), new FakeTimeProvider(now), retentionDays);
        await host.MigrateAsync(migration);
        return host;
    }

    /// <summary>Runs the PostgreSQL migrations up (or down) to <paramref name="migration"/>; null: the newest.</summary>
    public async Task MigrateAsync(string? migration = null)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SignpostDbContext>();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(2));
        await db.GetService<IMigrator>().MigrateAsync(migration);
    }

    private static string PreviousMigration(string suffix)
    {
        using var db = new Signpost.Data.Postgres.PostgresDesignTimeFactory().CreateDbContext([]);
        var all = db.Database.GetMigrations().ToList();
        return all[all.FindIndex(m => m.EndsWith(suffix, StringComparison.Ordinal)) - 1];
    }

    public async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> call)
    {
        await using var scope = _services.CreateAsyncScope();
        return await call(scope.ServiceProvider);
    }

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Partition names of <c>SignInEvents</c>, ordered.</summary>
    public async Task<List<string>> PartitionsAsync() =>
        await Rows.ReadAsync(ConnectionString, """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = '"SignInEvents"'::regclass ORDER BY c.relname
            """, r => r.GetString(0));

    /// <summary>Which partition holds the event with <paramref name="traceId"/>.</summary>
    public Task<string> PartitionOfAsync(string traceId) =>
        Rows.SingleAsync(ConnectionString, """SELECT tableoid::regclass::text FROM "SignInEvents" WHERE "TraceId" = @trace""",
            r => r.GetString(0).Trim('"'), ("trace", traceId));

    /// <summary>How many events there are, and a digest of every column of every one in ID order.</summary>
    public Task<(long Count, string Digest)> DigestAsync() =>
        Rows.SingleAsync(ConnectionString, """SELECT count(*), coalesce(md5(string_agg(e::text, '|' ORDER BY e."Id")), '') FROM "SignInEvents" e""",
            r => (r.GetInt64(0), r.GetString(1)));

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }

    private sealed class LinesProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new LineLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class LineLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using Signpost.Core.Accounts;
using Signpost.Data;
using Signpost.Data.Postgres;
using Signpost.Data.Sqlite;

namespace Signpost.Data.Tests.Infrastructure;

/// <summary>
/// The stores as the app registers them (<c>AddSignpostStores</c>) over a freshly migrated database of
/// one provider: a real SQLite file in a temp folder, or a new database on the collection's PostgreSQL.
/// Every store call gets its own scope, and so its own DbContext and connection, like two requests or two nodes.
/// </summary>
public sealed class StoreHost : IAsyncDisposable
{
    public const string Sqlite = "Sqlite";
    public const string PostgreSQL = "PostgreSQL";

    private readonly ServiceProvider _services;
    private readonly string? _sqliteFolder;

    private StoreHost(string provider, string connectionString, ServiceProvider services, string? sqliteFolder)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _services = services;
        _sqliteFolder = sqliteFolder;
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>What the stores and EF logged (at Information and above), for tests that an expected outcome is not reported as a failure.</summary>
    public IReadOnlyList<FakeLogRecord> Logs => _services.GetRequiredService<FakeLogCollector>().GetSnapshot();

    /// <summary>
    /// The stores over a database of their own holding the whole schema. On PostgreSQL it is a copy of one database
    /// migrated once per server (<c>CREATE DATABASE … TEMPLATE</c>): migrating a new database for every test was most
    /// of a PostgreSQL test's time (docs/testing.md, "A migrated database per test"). A SQLite file is copied from
    /// one migrated once per test process through SQLite's backup API, which reads the write-ahead log too (a plain
    /// file copy lost what the log still held: "no such table"). Tests of a migration itself migrate down and up
    /// again on their copy.
    /// </summary>
    public static async Task<StoreHost> StartAsync(string provider, PostgresServer postgres)
    {
        string connectionString;
        string? folder = null;
        if (provider == Sqlite)
        {
            folder = Directory.CreateTempSubdirectory("signpost-stores-").FullName;
            var file = Path.Combine(folder, "signpost.db");
            var template = await SqliteTemplate.Value;
            await using (var source = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={template};Mode=ReadOnly;Pooling=false"))
            await using (var target = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=false"))
            {
                await source.OpenAsync();
                source.BackupDatabase(target);
            }

            connectionString = $"Data Source={file}";
        }
        else if (provider == PostgreSQL)
        {
            var template = await postgres.TemplateAsync("stores", connection => MigrateAsync(PostgreSQL, connection));
            connectionString = await postgres.CreateDatabaseAsync(extra: null, template);
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(provider), provider, "Sqlite or PostgreSQL.");
        }

        return new StoreHost(provider, connectionString, Services(provider, connectionString), folder);
    }

    // Task.Run: made once, by whichever test asks first, with nothing of that test's context captured.
    private static readonly Lazy<Task<string>> SqliteTemplate = new(() => Task.Run(async () =>
    {
        var folder = Directory.CreateTempSubdirectory("signpost-stores-template-").FullName;
        var file = Path.Combine(folder, "signpost.db");
        await MigrateAsync(Sqlite, $"Data Source={file};Pooling=false");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // The OS cleans the temp folder.
            }
        };
        return file;
    }));

    /// <summary>Migrates a new database of <paramref name="provider"/> as the app does (DatabaseSetup.MigrateAsync).</summary>
    private static async Task MigrateAsync(string provider, string connectionString)
    {
        await using var services = Services(provider, connectionString);
        await using var scope = services.CreateAsyncScope();
        await MigrateAsync(scope.ServiceProvider.GetRequiredService<SignpostDbContext>(), provider);
    }

    private static async Task MigrateAsync(SignpostDbContext db, string provider)
    {
        await db.Database.MigrateAsync();
        if (provider == Sqlite)
        {
            // As the app does (DatabaseSetup.MigrateAsync): readers do not wait for the writer.
            await SqliteStorage.EnableWriteAheadLogAsync(db, CancellationToken.None);
        }
    }

    private static ServiceProvider Services(string provider, string connectionString) =>
        new ServiceCollection()
            .AddDbContext<SignpostDbContext>(options =>
            {
                if (provider == Sqlite)
                {
                    options.UseSignpostSqlite(connectionString);
                }
                else
                {
                    options.UseSignpostPostgres(connectionString);
                }
            })
            .AddSignpostStores()
            .AddFakeLogging(o => o.FilteredLevels = new HashSet<LogLevel> { LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Critical })
            // The device-cookie key is stored protected by the key ring, as in the app (here an ephemeral one).
            .AddSingleton<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider())
            .AddSingleton(TimeProvider.System)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

    /// <summary>The scopes the host's singletons make their own from, for a singleton a test builds with its own clock.</summary>
    public IServiceScopeFactory Scopes => _services.GetRequiredService<IServiceScopeFactory>();

    /// <summary>Calls a store in a scope of its own, as one request would.</summary>
    public async Task<TResult> WithAsync<TStore, TResult>(Func<TStore, Task<TResult>> call)
        where TStore : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<TStore>());
    }

    /// <inheritdoc cref="WithAsync{TStore, TResult}"/>
    public async Task WithAsync<TStore>(Func<TStore, Task> call)
        where TStore : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        await call(scope.ServiceProvider.GetRequiredService<TStore>());
    }

    /// <summary>Reads (or arranges) rows directly, in a fresh DbContext.</summary>
    public async Task<TResult> DbAsync<TResult>(Func<SignpostDbContext, Task<TResult>> query)
    {
        await using var scope = _services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<SignpostDbContext>());
    }

    /// <inheritdoc cref="DbAsync{TResult}"/>
    public async Task DbAsync(Func<SignpostDbContext, Task> query)
    {
        await using var scope = _services.CreateAsyncScope();
        await query(scope.ServiceProvider.GetRequiredService<SignpostDbContext>());
    }

    /// <summary>An active account row, for stores whose rows reference one.</summary>
    public Task<Guid> AddAccountAsync(string username) => DbAsync(async db =>
    {
        var account = new Account
        {
            Username = username,
            NormalizedUsername = Account.Normalize(username),
            Email = $"{username}@stores.example",
            NormalizedEmail = Account.Normalize($"{username}@stores.example"),
            DisplayName = username,
            Status = AccountStatus.Active,
            CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        return account.Id;
    });

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (Provider == PostgreSQL)
        {
            // Idle pooled connections would otherwise stay open to this test's database for minutes. Clearing
            // every pool is harmless: connections in use are only closed when they are returned.
            NpgsqlConnection.ClearAllPools();
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_sqliteFolder!, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is not worth failing the run for.
            }
        }
    }
}

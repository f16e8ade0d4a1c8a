using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Signpost.Data;
using Signpost.Data.Postgres;
using Signpost.Data.Sqlite;

namespace Signpost.Web.Setup;

/// <summary>Which database Signpost keeps its state in (<c>Signpost:Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>One file, zero set-up: a single node.</summary>
    Sqlite,

    /// <summary>One server shared by any number of nodes behind a load balancer.</summary>
    PostgreSQL,
}

/// <summary>The provider and connection string from configuration, and what follows from them.</summary>
public sealed record DatabaseSetup(DatabaseProvider Provider, string ConnectionString)
{
    public const string ProviderKey = "Signpost:Database:Provider";

    public static DatabaseSetup From(IConfiguration configuration)
    {
        var name = configuration[ProviderKey];
        var provider = string.IsNullOrWhiteSpace(name) ? DatabaseProvider.Sqlite
            : Enum.TryParse<DatabaseProvider>(name.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
            : name.Trim().Equals("postgres", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.PostgreSQL
            : throw new InvalidOperationException($"{ProviderKey} is '{name}': use Sqlite or PostgreSQL.");
        var connectionString = configuration.GetConnectionString("Signpost");
        if (provider == DatabaseProvider.PostgreSQL && string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"{ProviderKey} is PostgreSQL but ConnectionStrings:Signpost is not set (e.g. Host=db;Database=signpost;Username=signpost;Password=...).");
        }

        return new DatabaseSetup(provider, connectionString ?? "Data Source=signpost.db");
    }

    public void Configure(DbContextOptionsBuilder options)
    {
        if (Provider == DatabaseProvider.PostgreSQL)
        {
            options.UseSignpostPostgres(ConnectionString);
        }
        else
        {
            options.UseSignpostSqlite(ConnectionString);
        }
    }

    /// <summary>Where files a local run makes go by default (the mail pickup folder): beside the SQLite file, else the working folder.</summary>
    public string DataFolder
    {
        get
        {
            if (Provider != DatabaseProvider.Sqlite)
            {
                return Directory.GetCurrentDirectory();
            }

            var file = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            if (string.IsNullOrEmpty(file) || file == ":memory:" || file.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                file = "signpost.db";
            }

            return Path.GetDirectoryName(Path.GetFullPath(file))!;
        }
    }

    /// <summary>
    /// Why a command that only reads cannot use the database — no SQLite file yet, migrations pending, or a schema
    /// ahead of this build — or null when it can. Creates nothing and changes nothing (docs/cli.md, "Read-only commands").
    /// </summary>
    public async Task<string?> UnreadableBecauseAsync(SignpostDbContext db, CancellationToken cancellationToken)
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            if (!string.IsNullOrEmpty(file) && file != ":memory:" && !file.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && !File.Exists(file))
            {
                return $"there is no database at {Path.GetFullPath(file)}; run 'signpost migrate' to create it.";
            }
        }

        var schema = await ReadSchemaAsync(db, cancellationToken);
        if (AheadOfThisBuild(schema, "Nothing was changed.") is { } ahead)
        {
            return ahead;
        }

        var pending = schema.Pending.Count;
        return pending == 0 ? null
            : $"the database schema is not up to date ({pending} migration(s) pending); run 'signpost migrate' first.";
    }

    /// <summary>
    /// The one line a node or a command refuses with when the database holds migrations this build does not know (a
    /// newer release migrated it), ending with what was (not) done; null otherwise. This build cannot know what the
    /// newer schema changed: a command that wrote through its older model could leave rows the newer release reads
    /// wrongly (docs/cli.md, "serve checks the schema").
    /// </summary>
    public static string? AheadOfThisBuild(SchemaState schema, string ending) =>
        schema.Unknown.Count == 0 ? null
            : $"the database schema is ahead of this build ({schema.Unknown.Count} migration(s) it does not know, the last {schema.Unknown[^1]}); "
                + $"start the release that migrated it, or restore the backup taken before the upgrade. {ending}";

    /// <summary>
    /// What <c>serve</c> does with the schema before it listens (docs/deployment.md, "Upgrades"). It compares the
    /// history table's rows with this build's migrations (<see cref="ReadSchemaAsync"/>) instead of running the
    /// migrator, whose model check costs seconds on every start. On SQLite (one node, one file) a new or stale file is
    /// migrated here, so a first <c>serve</c> needs no other step. On PostgreSQL <c>signpost migrate</c> is the
    /// deploy step: a schema behind this build returns the one line the node refuses with, and nothing is changed.
    /// A schema ahead of this build (migrated by a newer release) is refused on both: this build does not know it.
    /// </summary>
    public async Task<string?> PrepareToServeAsync(SignpostDbContext db, CancellationToken cancellationToken)
    {
        var schema = await ReadSchemaAsync(db, cancellationToken);
        if (AheadOfThisBuild(schema, "Not listening.") is { } ahead)
        {
            return ahead;
        }

        if (schema.Pending.Count == 0)
        {
            return null;
        }

        if (Provider == DatabaseProvider.Sqlite)
        {
            await MigrateAsync(db, cancellationToken);
            return null;
        }

        return $"the database schema is behind this build ({schema.Pending.Count} migration(s) pending, the last {schema.Pending[^1]}); "
            + "run 'signpost migrate' once before starting nodes. Not listening.";
    }

    /// <summary>What the database's history table holds against this build's migrations.</summary>
    /// <param name="Pending">This build's migrations the database has not had, oldest first (EF's pending migrations).</param>
    /// <param name="Unknown">Migrations the database has had that this build does not know (a newer release's), oldest first.</param>
    public sealed record SchemaState(IReadOnlyList<string> Pending, IReadOnlyList<string> Unknown);

    /// <summary>
    /// The exact comparison EF's <c>GetPendingMigrationsAsync</c> makes — this build's migration IDs against the rows
    /// of <c>__EFMigrationsHistory</c> — read with two plain statements on the context's connection. EF's way first
    /// builds, by convention, a model of the history table and the migrations' services, work no page needs, before
    /// the node could listen (docs/cli.md, "What a start costs"). Unlike EF's, it also reports the rows this build
    /// does not know (a newer release's).
    /// </summary>
    public async Task<SchemaState> ReadSchemaAsync(SignpostDbContext db, CancellationToken cancellationToken)
    {
        var known = db.GetService<IMigrationsAssembly>().Migrations.Keys.ToList();
        var applied = new HashSet<string>(StringComparer.Ordinal);
        // The connection itself, not EF's facade: on PostgreSQL the retrying execution strategy would wrap an
        // unreachable server's DbException, which serve and the commands report in one line.
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            await using var exists = connection.CreateCommand();
            exists.CommandText = Provider == DatabaseProvider.PostgreSQL
                ? $"SELECT to_regclass('\"{HistoryRepository.DefaultTableName}\"') IS NOT NULL"
                : $"SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '{HistoryRepository.DefaultTableName}'";
            if (Convert.ToBoolean(await exists.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture))
            {
                await using var rows = connection.CreateCommand();
                rows.CommandText = $"SELECT \"MigrationId\" FROM \"{HistoryRepository.DefaultTableName}\"";
                await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetString(0));
                }
            }
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }

        var pending = known.Where(id => !applied.Contains(id)).ToList();
        var unknown = applied.Except(known, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new SchemaState(pending, unknown);
    }

    /// <summary>
    /// What a command that writes (and <c>signpost migrate</c>) does with the schema (docs/cli.md): refuses a schema
    /// ahead of this build with the line it returns, changing nothing; migrates a new or stale database; and otherwise
    /// only reads the history table, like <see cref="PrepareToServeAsync"/>, instead of paying for the migrator's
    /// model check on every command. <paramref name="always"/> runs the migrator even when nothing is pending
    /// (<c>signpost migrate</c>).
    /// </summary>
    public async Task<string?> MigrateUnlessAheadAsync(SignpostDbContext db, bool always, CancellationToken cancellationToken)
    {
        if (always && !await db.Database.CanConnectAsync(cancellationToken))
        {
            // No database yet (a PostgreSQL database not created): nothing can be ahead; the migrator creates it.
            await MigrateAsync(db, cancellationToken);
            return null;
        }

        var schema = await ReadSchemaAsync(db, cancellationToken);
        if (AheadOfThisBuild(schema, "Nothing was changed.") is { } ahead)
        {
            return ahead;
        }

        if (always || schema.Pending.Count > 0)
        {
            await MigrateAsync(db, cancellationToken);
        }

        return null;
    }

    /// <summary>Applies the provider's migrations (SQLite: and turns on write-ahead logging).</summary>
    public async Task MigrateAsync(SignpostDbContext db, CancellationToken cancellationToken)
    {
        // Migrations may rewrite large tables: no request-sized statement timeout here.
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        await db.Database.MigrateAsync(cancellationToken);
        if (Provider == DatabaseProvider.Sqlite)
        {
            await SqliteStorage.EnableWriteAheadLogAsync(db, cancellationToken);
        }
    }
}

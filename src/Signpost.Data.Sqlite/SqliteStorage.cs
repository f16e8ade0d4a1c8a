using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Signpost.Data.Sqlite;

/// <summary>SQLite: one file, zero set-up. Migrations for it live in this assembly.</summary>
public static class SqliteStorage
{
    /// <summary>Points EF Core at a SQLite file with a busy timeout long enough for bursts of concurrent writers.</summary>
    public static DbContextOptionsBuilder UseSignpostSqlite(this DbContextOptionsBuilder builder, string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (csb.DefaultTimeout < 30)
        {
            csb.DefaultTimeout = 30;
        }

        // A migration that rebuilds a table (SQLite cannot add a foreign key in place) brackets the rebuild with
        // PRAGMA foreign_keys, which SQLite ignores inside a transaction, so EF runs those two lines outside it and
        // warns. The rebuild itself is transactional and the pragma lasts only for the connection, so an interrupted
        // migration leaves nothing half-done; the warning is kept in the debug log (docs/deployment.md, "Upgrades").
        return builder.UseSqlite(csb.ConnectionString, sqlite => sqlite.MigrationsAssembly(typeof(SqliteStorage).Assembly.GetName().Name))
            .ConfigureWarnings(w => w.Log((RelationalEventId.NonTransactionalMigrationOperationWarning, Microsoft.Extensions.Logging.LogLevel.Debug)));
    }

    /// <summary>Write-ahead logging lets readers proceed while one writer commits; set once per file.</summary>
    public static async Task EnableWriteAheadLogAsync(DbContext db, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }
}

/// <summary>Design-time factory for <c>dotnet ef migrations add --project src/Signpost.Data.Sqlite</c>.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SignpostDbContext>
{
    public SignpostDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SignpostDbContext>)new DbContextOptionsBuilder<SignpostDbContext>()
            .UseSignpostSqlite("Data Source=design-time.db").Options);
}

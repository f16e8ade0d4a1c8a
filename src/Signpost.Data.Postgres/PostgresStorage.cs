using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;
using Signpost.Data.Diagnostics;

namespace Signpost.Data.Postgres;

/// <summary>PostgreSQL: one database shared by every Signpost node. Migrations for it live in this assembly.</summary>
public static class PostgresStorage
{
    /// <summary>
    /// Points EF Core at PostgreSQL. The pool waits at most <c>Timeout</c> seconds for a free connection
    /// and a statement at most <c>Command Timeout</c> seconds (5 each unless the connection string says
    /// otherwise), so an exhausted pool or a blocked table answers "service degraded" quickly instead of hanging. No retrying execution strategy: the lockout store's transactions are
    /// its own, and a retried sign-in would count a failure twice.
    /// </summary>
    public static DbContextOptionsBuilder UseSignpostPostgres(this DbContextOptionsBuilder builder, string connectionString)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Timeout"))
        {
            csb.Timeout = 5;
        }

        // A request never waits long on a blocked statement either; migrations and purges set their own.
        if (!given.ContainsKey("Command Timeout") && !given.ContainsKey("CommandTimeout"))
        {
            csb.CommandTimeout = 5;
        }

        // Counts each request's completed commands, so a request that failed on a connection the server had
        // closed before any of its work reached the database can safely run once more (docs/deployment.md).
        return builder
            .UseNpgsql(csb.ConnectionString, npgsql => npgsql.MigrationsAssembly(typeof(PostgresStorage).Assembly.GetName().Name))
            .AddInterceptors(DatabaseWorkInterceptor.Instance);
    }
}

/// <summary>Design-time factory for <c>dotnet ef migrations add --project src/Signpost.Data.Postgres</c>; no server is needed to add a migration.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<SignpostDbContext>
{
    public SignpostDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<SignpostDbContext>)new DbContextOptionsBuilder<SignpostDbContext>()
            .UseSignpostPostgres("Host=localhost;Database=signpost_design").Options);
}

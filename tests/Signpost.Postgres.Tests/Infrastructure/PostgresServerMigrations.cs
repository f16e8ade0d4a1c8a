using Signpost.Web.Tests.Cli;

namespace Signpost.Postgres.Tests.Infrastructure;

/// <summary>
/// Databases made the way an operator deploys. Kept apart from <see cref="PostgresServer"/>, whose file the store
/// contract suite (tests/Signpost.Data.Tests) links and which must not need the Web host.
/// </summary>
public static class PostgresServerMigrations
{
    /// <summary>
    /// A new database with Signpost's schema, made the way an operator deploys: <c>signpost migrate</c> once,
    /// before any node starts (a PostgreSQL node does not migrate; docs/deployment.md, "Upgrades").
    /// </summary>
    /// <remarks>
    /// <c>signpost migrate</c> runs once per server, into a template database; each test gets a copy of it
    /// (<c>CREATE DATABASE … TEMPLATE</c>), the same schema and rows, without a child process and every migration
    /// again per test (docs/testing.md, "A migrated database per test").
    /// </remarks>
    public static async Task<string> CreateMigratedDatabaseAsync(this PostgresServer server, string? extra = null)
    {
        var template = await server.TemplateAsync("signpost-migrate", MigrateAsync);
        return await server.CreateDatabaseAsync(extra, template);
    }

    private static async Task MigrateAsync(string connectionString)
    {
        var folder = Directory.CreateTempSubdirectory("signpost-pg-migrate-").FullName;
        try
        {
            var run = await SignpostProcess.RunAsync(connectionString, folder, null, "migrate", "--Signpost:Database:Provider=PostgreSQL");
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"signpost migrate failed on a new database: {run}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

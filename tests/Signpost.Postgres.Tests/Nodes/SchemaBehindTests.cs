using System.Net;
using System.Net.Sockets;
using Signpost.Postgres.Tests.Infrastructure;
using Signpost.Web.Tests.Cli;

namespace Signpost.Postgres.Tests.Nodes;

/// <summary>
/// On PostgreSQL <c>signpost migrate</c> is the deploy step and <c>serve</c> never migrates: a node whose
/// database is behind its build refuses to start with one line and exit code 3, changes nothing and never
/// listens (docs/deployment.md, "Upgrades"; docs/cli.md, exit codes). So does one whose database a newer release migrated.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class SchemaBehindTests(PostgresServer postgres) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("signpost-pg-schema-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Serve_OneMigrationBehind_RefusesWithOneLineAndExitThree_ChangesNothing_ThenStartsOnceCurrent()
    {
        // Arrange: a deployed database that lacks the newest migration this build knows (the row that says it was applied).
        var database = await postgres.CreateMigratedDatabaseAsync();
        const string newestSql = """SELECT "MigrationId", "ProductVersion" FROM "__EFMigrationsHistory" ORDER BY "MigrationId" DESC LIMIT 1""";
        var (newest, version) = await Rows.SingleAsync(database, newestSql, r => (r.GetString(0), r.GetString(1)));
        await Rows.ReadAsync(database, """DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" = @id RETURNING 1""", r => r.GetInt32(0), ("id", newest));
        var port = FreePort();

        // Act
        var run = await ServeAsync(database, port);

        // Assert: one line naming what is pending and what to run, the database exit code, no listening.
        Assert.True(run.ExitCode == 3, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.Equal($"signpost: the database schema is behind this build (1 migration(s) pending, the last {newest}); run 'signpost migrate' once before starting nodes. Not listening.", line);
        Assert.DoesNotContain("Now listening", run.Stdout, StringComparison.Ordinal);
        Assert.False(await ListensAsync(port), $"Something listens on {port} after the node refused.");
        Assert.Empty(await Rows.ReadAsync(database, """SELECT 1 FROM "__EFMigrationsHistory" WHERE "MigrationId" = @id""", r => r.GetInt32(0), ("id", newest)));

        // And the same node starts once the schema is current again (here: the row put back, as migrate would).
        await Rows.ReadAsync(database, """INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES (@id, @v) RETURNING 1""",
            r => r.GetInt32(0), ("id", newest), ("v", version));
        await using var node = await SignpostNode.StartAsync("current", database, demo: false);
        using var client = node.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("readyz", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Serve_NewEmptyDatabase_RefusesWithExitThree_CreatesNoTable()
    {
        // Arrange: a database nobody ran signpost migrate on.
        var database = await postgres.CreateDatabaseAsync();

        // Act
        var run = await ServeAsync(database, FreePort(), "--demo");

        // Assert
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Matches(@"^signpost: the database schema is behind this build \(\d+ migration\(s\) pending, the last \w+\); run 'signpost migrate' once before starting nodes\. Not listening\.$",
            Assert.Single(run.StderrLines));
        Assert.DoesNotContain("Now listening", run.Stdout, StringComparison.Ordinal);
        var tables = await Rows.SingleAsync(database,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'", r => r.GetInt64(0));
        Assert.Equal(0L, tables);
    }

    [Fact]
    public async Task Serve_AheadOfThisBuild_RefusesWithOneLineAndExitThree_ChangesNothing()
    {
        // Arrange: a deployed database a newer release migrated further (a history row this build does not know).
        var database = await postgres.CreateMigratedDatabaseAsync();
        const string newer = "29991231000000_FromANewerRelease";
        await Rows.ReadAsync(database, """INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES (@id, '99.0.0') RETURNING 1""",
            r => r.GetInt32(0), ("id", newer));
        var port = FreePort();

        // Act
        var run = await ServeAsync(database, port);

        // Assert: one line naming the unknown migration and what to do, the database exit code, no listening, the row kept.
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal($"signpost: the database schema is ahead of this build (1 migration(s) it does not know, the last {newer}); "
            + "start the release that migrated it, or restore the backup taken before the upgrade. Not listening.", Assert.Single(run.StderrLines));
        Assert.DoesNotContain("Now listening", run.Stdout, StringComparison.Ordinal);
        Assert.False(await ListensAsync(port), $"Something listens on {port} after the node refused.");
        Assert.Single(await Rows.ReadAsync(database, """SELECT 1 FROM "__EFMigrationsHistory" WHERE "MigrationId" = @id""", r => r.GetInt32(0), ("id", newer)));
    }

    /// <summary>Runs <c>signpost serve</c> until it exits; one that listens instead runs into the helper's timeout and fails the test.</summary>
    private Task<CliRun> ServeAsync(string connectionString, int port, params string[] extra) =>
        SignpostProcess.RunAsync(connectionString, _folder, null,
            ["serve", .. extra, "--urls", $"http://127.0.0.1:{port}", "--Signpost:Database:Provider=PostgreSQL"]);

    private static async Task<bool> ListensAsync(int port)
    {
        using var socket = new TcpClient();
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Signpost.Data;
using Signpost.Data.Sqlite;
using Signpost.Web.Setup;
using Signpost.Web.Tests.Email;

namespace Signpost.Web.Tests.Cli;

/// <summary>
/// <c>signpost serve</c> on SQLite migrates by itself when migrations are pending — a new file (the
/// README's one-command start) or one an older release left behind — and then answers; it only checks
/// for pending migrations instead of running the migrator on every start (docs/deployment.md, "Upgrades").
/// </summary>
public sealed class ServeSchemaTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("signpost-serve-schema-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Serve_NoDatabaseFileYet_CreatesAndMigratesIt_ThenAnswersSignIn()
    {
        // Arrange
        var path = Path.Combine(_folder, "new.db");

        // Act
        var status = await ServeUntilSignInAnswersAsync(path);

        // Assert: the page answered, and the file holds every migration this build knows, in WAL mode.
        Assert.Equal(HttpStatusCode.OK, status);
        await using var db = Context(path);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using var journal = connection.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await journal.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Serve_FileOneMigrationBehind_AppliesIt_ThenAnswersSignIn()
    {
        // Arrange: a file an older release migrated — every migration but the newest, applied by EF's own migrator.
        var path = Path.Combine(_folder, "older.db");
        string newest;
        await using (var db = Context(path))
        {
            var all = db.Database.GetMigrations().ToList();
            newest = all[^1];
            await db.GetService<IMigrator>().MigrateAsync(all[^2]);
            Assert.DoesNotContain(newest, await db.Database.GetAppliedMigrationsAsync());
        }

        // Act
        var status = await ServeUntilSignInAnswersAsync(path);

        // Assert
        Assert.Equal(HttpStatusCode.OK, status);
        await using var after = Context(path);
        Assert.Contains(newest, await after.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await after.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Serve_FileAheadOfThisBuild_RefusesWithOneLineAndExitThree_NeverListens_ChangesNothing()
    {
        // Arrange: a current file that a newer release then migrated further (a history row this build does not know).
        var path = Path.Combine(_folder, "newer.db");
        const string newer = "29991231000000_FromANewerRelease";
        await using (var db = Context(path))
        {
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("""INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ({0}, '99.0.0')""", newer);
        }

        var port = SmtpSink.FreePort();

        // Act
        var run = await SignpostProcess.RunAsync($"Data Source={path}", _folder, null, "serve", "--urls", $"http://127.0.0.1:{port}");

        // Assert: one line naming the unknown migration, the database exit code, nothing listened, the history as it was.
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal($"signpost: the database schema is ahead of this build (1 migration(s) it does not know, the last {newer}); "
            + "start the release that migrated it, or restore the backup taken before the upgrade. Not listening.", Assert.Single(run.StderrLines));
        Assert.DoesNotContain("Now listening", run.Stdout, StringComparison.Ordinal);
        await using var after = Context(path);
        Assert.Equal([.. after.Database.GetMigrations(), newer], await after.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task ReadSchema_AgreesWithEfPendingMigrations_NewBehindCurrentAndAhead()
    {
        // Arrange
        var path = Path.Combine(_folder, "states.db");
        var setup = new DatabaseSetup(DatabaseProvider.Sqlite, $"Data Source={path};Pooling=false");
        await using var db = Context(path);
        var all = db.Database.GetMigrations().ToList();

        // Act and assert: a new file (no history table yet), every migration pending.
        var state = await setup.ReadSchemaAsync(db, CancellationToken.None);
        Assert.Equal(all, state.Pending);
        Assert.Empty(state.Unknown);

        // Two behind.
        await db.GetService<IMigrator>().MigrateAsync(all[^3]);
        state = await setup.ReadSchemaAsync(db, CancellationToken.None);
        Assert.Equal(await db.Database.GetPendingMigrationsAsync(), state.Pending);
        Assert.Equal(all[^2..], state.Pending);
        Assert.Empty(state.Unknown);

        // Current.
        await db.Database.MigrateAsync();
        state = await setup.ReadSchemaAsync(db, CancellationToken.None);
        Assert.Empty(state.Pending);
        Assert.Empty(state.Unknown);

        // Ahead: two rows a newer release wrote, listed oldest first; EF itself sees nothing pending.
        await db.Database.ExecuteSqlRawAsync("""INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ('29991231000001_Later', '99.0.0'), ('29991231000000_Newer', '99.0.0')""");
        state = await setup.ReadSchemaAsync(db, CancellationToken.None);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Empty(state.Pending);
        Assert.Equal(["29991231000000_Newer", "29991231000001_Later"], state.Unknown);
    }

    private static SignpostDbContext Context(string path) =>
        new((DbContextOptions<SignpostDbContext>)new DbContextOptionsBuilder<SignpostDbContext>().UseSignpostSqlite($"Data Source={path};Pooling=false").Options);

    /// <summary>Starts <c>signpost serve</c> on the file, waits for <c>/sign-in</c> to answer, stops it, and returns the answer's status.</summary>
    private async Task<HttpStatusCode> ServeUntilSignInAnswersAsync(string path)
    {
        var url = $"http://127.0.0.1:{SmtpSink.FreePort()}";
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "signpost.dll"), "serve", "--urls", url })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__Signpost"] = $"Data Source={path}";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Signpost__DataProtection__AllowUnprotectedKeys"] = "true";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("signpost did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var deadline = DateTime.UtcNow + StartTimeout;
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(url + "/sign-in"));
                    return response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(100);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }

        throw new InvalidOperationException($"signpost serve never answered /sign-in (exit {process.ExitCode}):\n{await stdout}\n{await stderr}");
    }
}

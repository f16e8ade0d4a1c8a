using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Signpost.Data;
using Signpost.Web.Setup;

namespace Signpost.Web.Tests.Infrastructure;

/// <summary>
/// One SQLite file migrated by the app's own <see cref="DatabaseSetup.MigrateAsync"/>, made once per test process
/// and copied into each <see cref="SignpostFactory"/>'s folder before its host starts. The host then finds its
/// schema current and skips the migrator, whose model check cost each host start seconds of CPU (docs/testing.md,
/// "A migrated file per host"). A new file's migration on start is still tested through the real process
/// (<c>ServeSchemaTests</c>, <c>ServeFirstRunTests</c>) and by the commands that migrate (<c>CliTests</c>).
/// </summary>
internal static class MigratedSqliteTemplate
{
    // Task.Run: the migration's continuations must not need the synchronization context of the test that
    // happens to start the first host, which waits for it synchronously (WebApplicationFactory.CreateHost is not async).
    private static readonly Lazy<Task<string>> Template = new(() => Task.Run(CreateAsync));

    /// <summary>
    /// Copies the migrated database to a new file at <paramref name="path"/> through SQLite's backup API, which reads
    /// it as a connection does, write-ahead log included (a copy of the file alone missed what the log still held).
    /// </summary>
    public static void CopyTo(string path)
    {
        var template = Template.Value.GetAwaiter().GetResult();
        using var source = new SqliteConnection($"Data Source={template};Mode=ReadOnly;Pooling=false");
        using var target = new SqliteConnection($"Data Source={path};Pooling=false");
        source.Open();
        source.BackupDatabase(target);
    }

    private static async Task<string> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "signpost-web-tests", "template-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "signpost.db");
        var setup = new DatabaseSetup(DatabaseProvider.Sqlite, $"Data Source={path};Pooling=false");
        var options = new DbContextOptionsBuilder<SignpostDbContext>();
        setup.Configure(options);
        await using (var db = new SignpostDbContext(options.Options))
        {
            await setup.MigrateAsync(db, CancellationToken.None);
        }

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
        return path;
    }
}

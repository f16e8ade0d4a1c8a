using System.Net;
using Microsoft.Data.Sqlite;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Cli;

/// <summary>
/// <c>signpost backup</c> and <c>signpost restore</c> on SQLite (docs/deployment.md, "Backups and restore"):
/// a backup taken while the app runs, restored into a fresh location, holds the sign-ins and events
/// recorded before it, and the restored database serves the command line like the original.
/// </summary>
public sealed class BackupCliTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task BackupWhileRunning_RestoreIntoFreshLocation_KeepsSignInsEventsAndAuditTrail()
    {
        // Arrange: a successful and a failed sign-in, each with its event (and the first with its session).
        var slug = TestAccounts.Unique("backup");
        await app.CreateOrganizationAsync(slug, "Backup Practice");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("bea"), slug);
        using var browser = app.CreateBrowser();
        var succeeded = await browser.ApiSignInAsync(account.Username, TestAccounts.Password);
        using var other = app.CreateBrowser();
        var failed = await other.ApiSignInAsync(account.Username, "not the password at all");
        Assert.Equal(HttpStatusCode.OK, succeeded.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        var okTrace = succeeded.Headers.GetValues("X-Trace-Id").Single();
        var failedTrace = failed.Headers.GetValues("X-Trace-Id").Single();
        var backup = Path.Combine(app.Folder, $"backup-{Guid.NewGuid():N}.db");
        var restoredFolder = Directory.CreateDirectory(Path.Combine(app.Folder, $"restored-{Guid.NewGuid():N}")).FullName;
        var restored = $"Data Source={Path.Combine(restoredFolder, "signpost.db")}";

        // Act: back up the live database, restore into the new folder.
        var backedUp = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, "backup", "--output", backup);
        var restoredRun = await SignpostCommand.RunAsync(restored, app.Folder, null, "restore", "--input", backup);

        // Assert: both done; the events, the session and the account are in the restored file.
        Assert.True(backedUp.ExitCode == 0, backedUp.ToString());
        Assert.True(restoredRun.ExitCode == 0, restoredRun.ToString());
        Assert.Equal((1L, ReasonCodes.SignedIn), await EventAsync(restored, okTrace));
        Assert.Equal((0L, ReasonCodes.InvalidCredentials), await EventAsync(restored, failedTrace));
        Assert.Equal(1L, await ScalarAsync(restored, "SELECT count(*) FROM Sessions WHERE TraceId = $p AND RevokedAt IS NULL", okTrace));
        Assert.Equal(1L, await ScalarAsync(restored, "SELECT count(*) FROM Accounts WHERE Username = $p AND PasswordHash IS NOT NULL", account.Username));

        // The restored database answers support's lookup, and its audit trail (restore included) is intact.
        var shown = await SignpostCommand.RunAsync(restored, app.Folder, null, "events", "show", failedTrace);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains($"user saw:    {ReasonCodes.InvalidCredentials}", shown.Stdout, StringComparison.Ordinal);
        var verified = await SignpostCommand.RunAsync(restored, app.Folder, null, "audit", "verify");
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.StartsWith("intact:", verified.Stdout.Trim(), StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync(restored, "SELECT count(*) FROM AuditEntries WHERE Action = $p", "database.restore"));
    }

    [Fact]
    public async Task Restore_OntoAnExistingDatabase_RefusedWithExitOne_AndBackupNeverOverwrites()
    {
        // Arrange: the host migrates its database when it starts; this test may be the class's first.
        _ = app.Server;
        var backup = Path.Combine(app.Folder, $"backup-{Guid.NewGuid():N}.db");
        var first = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, "backup", "--output", backup);
        Assert.True(first.ExitCode == 0, first.ToString());
        var size = new FileInfo(app.DatabasePath).Length;

        // Act
        var again = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, "backup", "--output", backup);
        var ontoLive = await SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, "restore", "--input", backup);

        // Assert
        Assert.Equal(1, again.ExitCode);
        Assert.Equal([$"signpost: {backup} already exists; a backup never overwrites a file."], again.StderrLines);
        Assert.Equal(1, ontoLive.ExitCode);
        Assert.StartsWith($"signpost: {app.DatabasePath} already exists; restore into a new location", Assert.Single(ontoLive.StderrLines), StringComparison.Ordinal);
        Assert.True(new FileInfo(app.DatabasePath).Length >= size);
    }

    private static async Task<(long Succeeded, string Reason)> EventAsync(string connectionString, string traceId)
    {
        await using var connection = new SqliteConnection(connectionString + ";Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Succeeded, ReasonCode FROM SignInEvents WHERE TraceId = $t";
        command.Parameters.AddWithValue("$t", traceId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no event {traceId} in the restored database");
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql, string value)
    {
        await using var connection = new SqliteConnection(connectionString + ";Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$p", value);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

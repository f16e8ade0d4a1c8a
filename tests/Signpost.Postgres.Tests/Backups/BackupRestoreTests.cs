using System.Net;
using Signpost.Postgres.Tests.Infrastructure;
using Signpost.Web.Tests.Cli;

namespace Signpost.Postgres.Tests.Backups;

/// <summary>
/// <c>signpost backup</c> and <c>signpost restore</c> on PostgreSQL (docs/deployment.md, "Backups and
/// restore"): <c>pg_dump</c> of a database a node is serving, <c>pg_restore</c> into a new database, and
/// a node on the restored database signs the same people in.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class BackupRestoreTests(PostgresServer postgres) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("signpost-pg-backup-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task BackupWhileServing_RestoreIntoNewDatabase_KeepsSignInsAndEvents_AndANodeServesIt()
    {
        // Arrange: a node with the demo practice; one sign-in that succeeds, one that fails.
        var source = await postgres.CreateMigratedDatabaseAsync();
        string okTrace, failedTrace;
        var backup = Path.Combine(_folder, "signpost.dump");
        CliRun backedUp;
        await using (var node = await SignpostNode.StartAsync("source", source, demo: true))
        {
            using var client = node.CreateClient();
            var ok = await client.SignInAsync(Demo.Active, Demo.Password);
            var failed = await client.SignInAsync(Demo.Admin, Demo.WrongPassword);
            Assert.Equal((HttpStatusCode.OK, "signed_in"), (ok.Status, ok.Code));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.Status);
            (okTrace, failedTrace) = (ok.TraceId!, failed.TraceId!);

            // Act 1: back up while the node serves.
            backedUp = await RunAsync(source, "backup", "--output", backup);
        }

        // Act 2: restore into a new, empty database.
        var target = await postgres.CreateDatabaseAsync();
        var restored = await RunAsync(target, "restore", "--input", backup);

        // Assert: the events and the session are there.
        Assert.True(backedUp.ExitCode == 0, backedUp.ToString());
        Assert.True(restored.ExitCode == 0, restored.ToString());
        const string eventSql = """SELECT "Succeeded", "ReasonCode" FROM "SignInEvents" WHERE "TraceId" = @t""";
        Assert.Equal((true, "signed_in"), await Rows.SingleAsync(target, eventSql, r => (r.GetBoolean(0), r.GetString(1)), ("t", okTrace)));
        Assert.Equal((false, "invalid_credentials"), await Rows.SingleAsync(target, eventSql, r => (r.GetBoolean(0), r.GetString(1)), ("t", failedTrace)));
        var accountId = await Rows.AccountIdAsync(target, Demo.Active);
        Assert.Equal(okTrace, await Rows.SingleAsync(target, """SELECT "TraceId" FROM "Sessions" WHERE "AccountId" = @id AND "RevokedAt" IS NULL""", r => r.GetString(0), ("id", accountId)));

        // And a node on the restored database signs the same person in, with the same password.
        await using var restoredNode = await SignpostNode.StartAsync("restored", target, demo: false);
        using var again = restoredNode.CreateClient();
        var signIn = await again.SignInAsync(Demo.Active, Demo.Password);
        Assert.Equal((HttpStatusCode.OK, "signed_in"), (signIn.Status, signIn.Code));
    }

    [Fact]
    public async Task Restore_IntoADatabaseWithTables_RefusedWithExitOne()
    {
        // Arrange: a migrated database, and a backup of it.
        var database = await postgres.CreateDatabaseAsync();
        var migrated = await RunAsync(database, "migrate");
        var backup = Path.Combine(_folder, "migrated.dump");
        var backedUp = await RunAsync(database, "backup", "--output", backup);

        // Act
        var refused = await RunAsync(database, "restore", "--input", backup);

        // Assert
        Assert.True(migrated.ExitCode == 0, migrated.ToString());
        Assert.True(backedUp.ExitCode == 0, backedUp.ToString());
        Assert.Equal(1, refused.ExitCode);
        Assert.Matches(@"^signpost: The database \S+ already has \d+ table\(s\); restore into a new, empty database\.$", Assert.Single(refused.StderrLines));
    }

    private Task<CliRun> RunAsync(string connectionString, params string[] args) =>
        SignpostProcess.RunAsync(connectionString, _folder, null,
            [.. args, "--Signpost:Database:Provider=PostgreSQL", .. args[0] is "backup" or "restore" ? new[] { "--pg-bin", postgres.Bin } : []]);
}

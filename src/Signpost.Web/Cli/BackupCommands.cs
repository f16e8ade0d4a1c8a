using System.CommandLine;
using Signpost.Web.Setup;

namespace Signpost.Web.Cli;

/// <summary>
/// <c>signpost backup --output FILE</c> and <c>signpost restore --input FILE</c>: the whole state of the
/// configured database, SQLite or PostgreSQL, through <see cref="DatabaseBackup"/> (docs/deployment.md).
/// </summary>
public static class BackupCommands
{
    public static Command Backup()
    {
        var output = new Option<string>("--output") { Description = "The backup file to write; it must not exist.", Required = true };
        var pgBin = new Option<string?>("--pg-bin") { Description = "PostgreSQL: the folder holding pg_dump (default: the PATH)." };
        var command = new Command("backup", "Back up the database while the service runs: SQLite's online backup, or pg_dump's custom format.") { output, pgBin };
        command.SetAction((result, ct) => AdminCommands.ReadAsync(async (services, ct2) =>
        {
            var path = Path.GetFullPath(result.GetValue(output)!);
            await ActivatorUtilities.CreateInstance<DatabaseBackup>(services).BackupAsync(path, result.GetValue(pgBin), ct2);
            Console.WriteLine($"Backed up to {path} ({new FileInfo(path).Length:N0} bytes).");
        }, ct));
        return command;
    }

    public static Command Restore()
    {
        var input = new Option<string>("--input") { Description = "The backup file written by signpost backup.", Required = true };
        var pgBin = new Option<string?>("--pg-bin") { Description = "PostgreSQL: the folder holding pg_restore (default: the PATH)." };
        var command = new Command("restore", "Restore a backup into a new database (no SQLite file yet, or an empty PostgreSQL database), then migrate it.") { input, pgBin };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var path = Path.GetFullPath(result.GetValue(input)!);
            await ActivatorUtilities.CreateInstance<DatabaseBackup>(services).RestoreAsync(path, result.GetValue(pgBin), ct2);
            var audit = services.GetRequiredService<Core.Audit.AuditTrail>();
            await audit.RecordAsync(Core.Audit.AuditActor.CommandLine(), new Core.Audit.AuditRecord(
                "database.restore", "database", null, null, null, new { Backup = Path.GetFileName(path) }), ct2);
            Console.WriteLine($"Restored {path}; the schema is up to date.");
        }, AdminCommands.DatabaseUse.AsIs, ct));
        return command;
    }
}

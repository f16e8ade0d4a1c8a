using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Signpost.Data;
using Signpost.Web.Cli;

namespace Signpost.Web.Setup;

/// <summary>
/// Backs up and restores the whole state (docs/deployment.md, "Backups and restore"). SQLite: the online
/// backup API (what the sqlite3 shell's <c>.backup</c> uses), a consistent copy while the service runs,
/// with no extra package. PostgreSQL: <c>pg_dump --format=custom</c> and <c>pg_restore</c>, the server's
/// own tools, given the connection through <c>PG*</c> environment variables so the password never appears
/// in a process list. Only the command line uses it, so a refusal (a file that exists, a database that is not
/// empty) ends the command with exit code 1 through <see cref="CommandRefusedException"/>.
/// </summary>
public sealed class DatabaseBackup(DatabaseSetup setup, SignpostDbContext db)
{
    /// <summary>Writes a backup of the configured database to <paramref name="output"/>, which must not exist yet.</summary>
    public async Task BackupAsync(string output, string? pgBin, CancellationToken cancellationToken)
    {
        output = Path.GetFullPath(output);
        if (File.Exists(output))
        {
            throw new CommandRefusedException($"{output} already exists; a backup never overwrites a file.");
        }

        if (!Directory.Exists(Path.GetDirectoryName(output)))
        {
            throw new CommandRefusedException($"The folder of {output} does not exist.");
        }

        if (setup.Provider == DatabaseProvider.PostgreSQL)
        {
            await RunPostgresToolAsync(pgBin, "pg_dump", ["--format=custom", "--no-owner", $"--file={output}"], cancellationToken);
            return;
        }

        var source = new SqliteConnectionStringBuilder(setup.ConnectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var from = new SqliteConnection(source.ToString());
        await using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = output, Pooling = false }.ToString());
        await from.OpenAsync(cancellationToken);
        await to.OpenAsync(cancellationToken);
        from.BackupDatabase(to);

        // The copy keeps the live database's write-ahead log mode; a backup is one self-contained file.
        await using var journal = to.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode=DELETE";
        await journal.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Restores <paramref name="input"/> into the configured database, which must be new (no SQLite file, or a
    /// PostgreSQL database without tables), then applies any migrations the backup predates.
    /// </summary>
    public async Task RestoreAsync(string input, string? pgBin, CancellationToken cancellationToken)
    {
        input = Path.GetFullPath(input);
        if (!File.Exists(input))
        {
            throw new CommandRefusedException($"There is no backup at {input}.");
        }

        if (setup.Provider == DatabaseProvider.PostgreSQL)
        {
            var tables = await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM information_schema.tables WHERE table_schema = 'public'")
                .SingleAsync(cancellationToken);
            if (tables > 0)
            {
                throw new CommandRefusedException($"The database {new NpgsqlConnectionStringBuilder(setup.ConnectionString).Database} already has {tables} table(s); restore into a new, empty database.");
            }

            var database = new NpgsqlConnectionStringBuilder(setup.ConnectionString).Database;
            await RunPostgresToolAsync(pgBin, "pg_restore", ["--no-owner", "--exit-on-error", "--single-transaction", $"--dbname={database}", input], cancellationToken);
        }
        else
        {
            var target = new SqliteConnectionStringBuilder(setup.ConnectionString);
            var path = Path.GetFullPath(target.DataSource);
            if (File.Exists(path) && new FileInfo(path).Length > 0)
            {
                throw new CommandRefusedException($"{path} already exists; restore into a new location (ConnectionStrings:Signpost), then move it into place with the service stopped.");
            }

            if (!Directory.Exists(Path.GetDirectoryName(path)))
            {
                throw new CommandRefusedException($"The folder of {path} does not exist.");
            }

            await using var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = input, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            await from.OpenAsync(cancellationToken);
            await using (var check = from.CreateCommand())
            {
                check.CommandText = "PRAGMA quick_check";
                if (await check.ExecuteScalarAsync(cancellationToken) as string != "ok")
                {
                    throw new CommandRefusedException($"{input} is damaged (SQLite's quick_check failed); nothing was restored.");
                }
            }

            await using var to = new SqliteConnection(new SqliteConnectionStringBuilder(target.ToString()) { Pooling = false }.ToString());
            await to.OpenAsync(cancellationToken);
            from.BackupDatabase(to);
        }

        await setup.MigrateAsync(db, cancellationToken);
    }

    private async Task RunPostgresToolAsync(string? pgBin, string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(setup.ConnectionString);
        var start = new ProcessStartInfo(pgBin is null ? tool : Path.Combine(pgBin, tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGHOST"] = connection.Host;
        start.Environment["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGDATABASE"] = connection.Database;
        start.Environment["PGUSER"] = connection.Username;
        if (connection.Password is { Length: > 0 } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        if (connection.SslMode != SslMode.Prefer)
        {
            start.Environment["PGSSLMODE"] = connection.SslMode switch
            {
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                var mode => mode.ToString().ToLowerInvariant(),
            };
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new CommandRefusedException($"{tool} did not start.");
        }
        catch (Win32Exception)
        {
            throw new CommandRefusedException($"{tool} was not found; install PostgreSQL's client tools (the server's version or newer) or name their folder with --pg-bin.");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            await stdout;
            if (process.ExitCode != 0)
            {
                var first = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no message";
                throw new BackupToolException($"{tool} exited with code {process.ExitCode}: {first}");
            }
        }
    }
}

/// <summary><c>pg_dump</c> or <c>pg_restore</c> could not do its work: the database side failed (exit code 3).</summary>
public sealed class BackupToolException(string message) : Exception(message);

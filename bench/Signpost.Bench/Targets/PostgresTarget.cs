using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Signpost.Bench.Infrastructure;

namespace Signpost.Bench.Targets;

/// <summary>
/// A PostgreSQL of the bench's own, from the machine's binaries, the way tests/Signpost.Postgres.Tests starts one:
/// <c>initdb</c> into the run's folder, <c>pg_ctl start</c> on a free loopback port (as the <c>postgres</c> user
/// when the bench runs as root, since PostgreSQL refuses root), <c>signpost migrate</c> for the schema, and the
/// generated SQLite data set copied in with <c>COPY</c>. Disposing it stops the server (<c>immediate</c>) and
/// removes its data folder: a 10-million-event copy is gigabytes.
/// </summary>
internal sealed class PostgresTarget : IAsyncDisposable
{
    public const string BinVariable = "SIGNPOST_PG_BIN";
    private const string ServiceUser = "postgres";
    private const string Database = "signpost";

    private readonly string _folder;
    private bool _running;

    private PostgresTarget(string bin, string folder, int port)
    {
        Bin = bin;
        _folder = folder;
        Port = port;
    }

    public string Bin { get; }

    public int Port { get; }

    /// <summary>Signpost's connection string: the provider's defaults (5 s pool and command timeouts) as shipped.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database={Database};Username=postgres";

    /// <summary>For the bench's own statements (loading, breakdowns at size): no command timeout.</summary>
    public string LongConnectionString => ConnectionString + ";Command Timeout=0;Timeout=60";

    private string DataFolder => Path.Combine(_folder, "data");

    public static async Task<PostgresTarget> StartAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var bin = FindBin();
        var folder = settings.NewFolder("postgres");
        if (IsRoot)
        {
            (await Commands.RunAsync("chown", [ServiceUser + ":" + ServiceUser, folder], folder, cancellationToken: cancellationToken)).EnsureSuccess("chown");
        }

        var target = new PostgresTarget(bin, folder, ServerProcess.FreePort());
        (await target.RunAsync("initdb", ["-D", target.DataFolder, "-A", "trust", "-U", ServiceUser, "-E", "UTF8", "--no-locale", "--no-sync"], cancellationToken))
            .EnsureSuccess("initdb");

        // fsync off as in the PostgreSQL tests (nothing here survives a power cut anyway); the rest stays at
        // PostgreSQL's defaults but the memory for building indexes after the bulk load.
        (await target.RunAsync("pg_ctl", ["-D", target.DataFolder, "-l", Path.Combine(folder, "postgres.log"), "-w", "-t", "120", "-o",
            $"-p {target.Port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c full_page_writes=off -c maintenance_work_mem=512MB -c max_wal_size=4GB",
            "start"], cancellationToken)).EnsureSuccess("pg_ctl start");
        target._running = true;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => target.Stop();

        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={target.Port};Database=postgres;Username=postgres;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return target;
    }

    /// <summary>Signpost's environment for this database (add it to a server's or a command's).</summary>
    public Dictionary<string, string> SignpostEnvironment() => new()
    {
        ["Signpost__Database__Provider"] = "PostgreSQL",
        ["ConnectionStrings__Signpost"] = ConnectionString,
    };

    /// <summary><c>signpost migrate</c>, the deploy step on PostgreSQL (docs/deployment.md).</summary>
    public async Task MigrateAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var environment = SignpostEnvironment();
        environment["Signpost__DataProtection__AllowUnprotectedKeys"] = "true";
        environment["Logging__LogLevel__Default"] = "Warning";
        (await Commands.RunAsync("dotnet", [settings.SignpostDll, "migrate"], _folder, environment, cancellationToken: cancellationToken))
            .EnsureSuccess("signpost migrate (PostgreSQL)");
    }

    /// <summary>
    /// Copies the generated rows (practices, accounts, memberships, sign-in events) from a SQLite data set with
    /// <c>COPY … FROM STDIN</c>, converting each column by its PostgreSQL type (uuid, timestamptz from the SQLite
    /// provider's Unix milliseconds, boolean from 0/1). The events' secondary indexes are dropped first and built
    /// again after, as the generator does on SQLite. Returns the seconds each table took.
    /// </summary>
    public async Task<List<(string Table, long Rows, double Seconds)>> CopyFromSqliteAsync(string sqliteDatabase, IPhase phase, long expectedEvents,
        CancellationToken cancellationToken)
    {
        var done = new List<(string, long, double)>();
        await using var pg = new NpgsqlConnection(LongConnectionString);
        await pg.OpenAsync(cancellationToken);
        await using var sqlite = new SqliteConnection($"Data Source={sqliteDatabase};Mode=ReadOnly;Pooling=False");
        await sqlite.OpenAsync(cancellationToken);

        List<(string Name, string Definition)> indexes = [];
        foreach (var table in new[] { "Organizations", "Accounts", "Memberships", "SignInEvents" })
        {
            var started = Stopwatch.GetTimestamp();
            if (table == "SignInEvents")
            {
                await MonthlyPartitionsAsync(sqlite, pg, cancellationToken);
                indexes = await SecondaryIndexesAsync(pg, table, cancellationToken);
                foreach (var (name, _) in indexes)
                {
                    await ExecuteAsync(pg, $"DROP INDEX \"{name}\"", cancellationToken);
                }
            }

            var rows = await CopyTableAsync(sqlite, pg, table, phase, expectedEvents, cancellationToken);
            if (table == "SignInEvents")
            {
                for (var i = 0; i < indexes.Count; i++)
                {
                    phase.Update(0.9 + (0.1 * i / indexes.Count), $"index {indexes[i].Name}");
                    await ExecuteAsync(pg, indexes[i].Definition.Replace(" ON ONLY ", " ON ", StringComparison.Ordinal), cancellationToken);
                }

                // The ids' sequence (an identity column's, or the partitioned table's own) goes on after the copied ids.
                await ExecuteAsync(pg, """
                    SELECT setval(seq, (SELECT max("Id") FROM "SignInEvents"))
                    FROM (SELECT COALESCE(pg_get_serial_sequence('"SignInEvents"', 'Id'), to_regclass('"SignInEvents_Id_seq"')::text) AS seq) s
                    WHERE seq IS NOT NULL AND EXISTS (SELECT 1 FROM "SignInEvents")
                    """, cancellationToken);
            }

            done.Add((table, rows, Stopwatch.GetElapsedTime(started).TotalSeconds));
        }

        phase.Update(0.99, "ANALYZE");
        await ExecuteAsync(pg, "ANALYZE", cancellationToken);
        return done;
    }

    /// <summary>
    /// Where the events are partitioned by month (src/Signpost.Data.Postgres/EventPartitions.cs), a partition for every
    /// month the data set holds, named as the partition job names them: what a year of the job would have made. A fresh
    /// database has only this month's, next month's and the DEFAULT partition, which would take the whole past.
    /// </summary>
    private static async Task MonthlyPartitionsAsync(SqliteConnection sqlite, NpgsqlConnection pg, CancellationToken cancellationToken)
    {
        await using (var kind = new NpgsqlCommand("SELECT relkind::text FROM pg_class WHERE relname = 'SignInEvents' AND relnamespace = 'public'::regnamespace", pg))
        {
            if (await kind.ExecuteScalarAsync(cancellationToken) as string != "p")
            {
                return;
            }
        }

        long first, last;
        await using (var range = sqlite.CreateCommand())
        {
            range.CommandText = "SELECT min(OccurredAt), max(OccurredAt) FROM SignInEvents";
            await using var reader = await range.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(0))
            {
                return;
            }

            (first, last) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var start = DateTimeOffset.FromUnixTimeMilliseconds(first);
        for (var month = new DateTimeOffset(start.Year, start.Month, 1, 0, 0, 0, TimeSpan.Zero); month.ToUnixTimeMilliseconds() <= last; month = month.AddMonths(1))
        {
            var name = "SignInEvents_" + month.ToString("yyyy_MM", CultureInfo.InvariantCulture);
            await ExecuteAsync(pg, string.Create(CultureInfo.InvariantCulture,
                $"""CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF "SignInEvents" FOR VALUES FROM ('{month:yyyy-MM-dd} 00:00:00+00') TO ('{month.AddMonths(1):yyyy-MM-dd} 00:00:00+00')"""),
                cancellationToken);
        }
    }

    private static async Task<List<(string, string)>> SecondaryIndexesAsync(NpgsqlConnection pg, string table, CancellationToken cancellationToken)
    {
        var indexes = new List<(string, string)>();
        await using var command = new NpgsqlCommand("""
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = 'public' AND i.tablename = @table
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """, pg);
        command.Parameters.AddWithValue("table", table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            indexes.Add((reader.GetString(0), reader.GetString(1)));
        }

        return indexes;
    }

    private static async Task<long> CopyTableAsync(SqliteConnection sqlite, NpgsqlConnection pg, string table, IPhase phase, long expectedEvents, CancellationToken cancellationToken)
    {
        var pgColumns = new List<(string Name, string Type)>();
        await using (var command = new NpgsqlCommand(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = @table ORDER BY ordinal_position", pg))
        {
            command.Parameters.AddWithValue("table", table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                pgColumns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var sqliteColumns = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = sqlite.CreateCommand())
        {
            command.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                sqliteColumns.Add(reader.GetString(0));
            }
        }

        // Columns only PostgreSQL has keep their defaults; a generated row never sets a column only SQLite has.
        var columns = pgColumns.Where(c => sqliteColumns.Contains(c.Name)).ToArray();
        var list = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        long rows = 0;
        await using (var select = sqlite.CreateCommand())
        {
            select.CommandText = $"SELECT {list} FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            await using var writer = await pg.BeginTextImportAsync($"COPY \"{table}\" ({list}) FROM STDIN", cancellationToken);
            var line = new System.Text.StringBuilder(1024);
            while (await reader.ReadAsync(cancellationToken))
            {
                line.Clear();
                for (var i = 0; i < columns.Length; i++)
                {
                    if (i > 0)
                    {
                        line.Append('\t');
                    }

                    AppendValue(line, reader, i, columns[i].Type);
                }

                line.Append('\n');
                await writer.WriteAsync(line.ToString());
                if (++rows % 100_000 == 0)
                {
                    phase.Update(table == "SignInEvents" ? 0.05 + (0.85 * rows / Math.Max(1, expectedEvents)) : 0.02, $"{table}: {rows:N0} rows");
                }
            }
        }

        return rows;
    }

    /// <summary>One value in COPY's text format: \N for NULL, backslash escapes for tab, newline and backslash.</summary>
    private static void AppendValue(System.Text.StringBuilder line, SqliteDataReader reader, int i, string pgType)
    {
        if (reader.IsDBNull(i))
        {
            line.Append("\\N");
            return;
        }

        switch (pgType)
        {
            case "boolean":
                line.Append(reader.GetInt64(i) != 0 ? 't' : 'f');
                return;
            case "timestamp with time zone" when reader.GetFieldType(i) == typeof(long):
                line.Append(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i)).ToString("yyyy-MM-dd HH:mm:ss.fff+00", CultureInfo.InvariantCulture));
                return;
            case "smallint" or "integer" or "bigint" or "double precision" or "real" or "numeric":
                line.Append(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture));
                return;
        }

        var text = Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!;
        if (pgType == "ARRAY")
        {
            // The SQLite provider keeps lists as JSON arrays; PostgreSQL's text[] reads {"a","b"}.
            var items = System.Text.Json.JsonSerializer.Deserialize<string[]>(text) ?? [];
            text = "{" + string.Join(',', items.Select(item => "\"" + item.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"")) + "}";
        }

        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': line.Append("\\\\"); break;
                case '\t': line.Append("\\t"); break;
                case '\n': line.Append("\\n"); break;
                case '\r': line.Append("\\r"); break;
                default: line.Append(c); break;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/> <paramref name="reps"/> times in one <c>psql</c> session under <c>\timing on</c>
    /// and returns each run's time as psql prints it (the statement's round trip, not psql's start).
    /// </summary>
    public async Task<List<double>> TimePsqlAsync(string sql, int reps, CancellationToken cancellationToken)
    {
        var script = new System.Text.StringBuilder();
        script.AppendLine("\\timing on");
        script.AppendLine("\\o /dev/null");
        for (var i = 0; i < reps; i++)
        {
            script.AppendLine(sql.Trim().TrimEnd(';') + ";");
        }

        var result = await Commands.RunAsync(Path.Combine(Bin, "psql"),
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", ServiceUser, "-d", Database],
            Path.GetTempPath(), standardInput: script.ToString(), cancellationToken: cancellationToken);
        result.EnsureSuccess("psql");
        var times = result.Output.Split('\n')
            .Where(l => l.StartsWith("Time: ", StringComparison.Ordinal))
            .Select(l => double.Parse(l["Time: ".Length..].Split(' ')[0], CultureInfo.InvariantCulture))
            .ToList();
        if (times.Count != reps)
        {
            throw new BenchException($"psql printed {times.Count} timings for {reps} runs:\n{result.Output}\n{result.Error}");
        }

        return times;
    }

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(LongConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        IsRoot
            ? Commands.RunAsync("runuser", ["-u", ServiceUser, "--", Path.Combine(Bin, program), .. arguments], _folder, cancellationToken: cancellationToken)
            : Commands.RunAsync(Path.Combine(Bin, program), arguments, _folder, cancellationToken: cancellationToken);

    private void Stop()
    {
        if (!_running)
        {
            return;
        }

        _running = false;
        NpgsqlConnection.ClearAllPools();
        var stop = IsRoot
            ? new ProcessStartInfo("runuser", ["-u", ServiceUser, "--", Path.Combine(Bin, "pg_ctl"), "-D", DataFolder, "-m", "immediate", "-w", "stop"])
            : new ProcessStartInfo(Path.Combine(Bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"]);
        stop.RedirectStandardOutput = stop.RedirectStandardError = true;
        using (var process = Process.Start(stop))
        {
            process?.WaitForExit(60_000);
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left behind: the run folder says where.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary><c>SIGNPOST_PG_BIN</c> when set, else the newest /usr/lib/postgresql/*/bin (as the PostgreSQL tests find it).</summary>
    private static string FindBin()
    {
        if (Environment.GetEnvironmentVariable(BinVariable) is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb")) ? configured : throw new BenchException($"{BinVariable} is '{configured}', which holds no initdb.");
        }

        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var major) ? major : 0).FirstOrDefault()
            : null;
        return newest ?? throw new BenchException($"PostgreSQL is not installed (no initdb under {root}): `apt-get install -y postgresql`, or set {BinVariable}.");
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Signpost.Postgres.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL from the machine's binaries, one per test collection: <c>initdb</c> into a fresh
/// temporary folder, <c>pg_ctl start</c> on a free loopback port, and <c>pg_ctl stop</c> plus the folder
/// removed at the end. PostgreSQL refuses to run as root, so as root every binary runs as the
/// <c>postgres</c> user (Debian's package creates it). Each test takes its own database
/// (<see cref="CreateDatabaseAsync"/>), so tests share the server but no state.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string BinVariable = "SIGNPOST_PG_BIN";
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _folder;
    private int _databases;
    private readonly Dictionary<string, Lazy<Task<string>>> _templates = [];

    public PostgresServer()
    {
        Bin = FindBin();
        _folder = Directory.CreateTempSubdirectory("signpost-pg-").FullName;
    }

    /// <summary>The folder holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>.</summary>
    public string Bin { get; }

    public int Port { get; private set; }

    private string DataFolder => Path.Combine(_folder, "data");

    private string LogFile => Path.Combine(_folder, "postgres.log");

    /// <summary>The server's log so far, for failure messages.</summary>
    public string Log => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log)";

    /// <summary>A connection string for <paramref name="database"/> on this server; <paramref name="extra"/> is appended (e.g. <c>Maximum Pool Size=3</c>).</summary>
    public string ConnectionString(string database, string? extra = null) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres" + (extra is null ? "" : ";" + extra);

    public async ValueTask InitializeAsync()
    {
        if (IsRoot)
        {
            // The server runs as postgres, so postgres must own the folder it writes its data, socket and log in.
            await RunAsync("chown", [ServiceUser + ":" + ServiceUser, _folder], asServiceUser: false);
        }

        await RunAsync(Path.Combine(Bin, "initdb"),
            ["-D", DataFolder, "-A", "trust", "-U", ServiceUser, "-E", "UTF8", "--no-locale", "--no-sync"], asServiceUser: true);

        // A port is free when picked, but another process may take it before the server binds: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) on <see cref="Port"/> and waits until it accepts connections.</summary>
    public Task StartAsync() =>
        // fsync off: the tests never lose power, and a committed row still reaches the operating system before the
        // commit is acknowledged (synchronous_commit stays on), so a restart keeps every acknowledged write.
        RunAsync(Path.Combine(Bin, "pg_ctl"),
            ["-D", DataFolder, "-l", LogFile, "-w", "-t", "60", "-o",
             $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c full_page_writes=off",
             "start"],
            asServiceUser: true);

    /// <summary>Stops the server: <c>fast</c> disconnects clients and shuts down cleanly; <c>immediate</c> is a crash.</summary>
    public Task StopAsync(string mode = "fast") =>
        RunAsync(Path.Combine(Bin, "pg_ctl"), ["-D", DataFolder, "-m", mode, "-w", "-t", "60", "stop"], asServiceUser: true);

    /// <summary>A new, empty database of its own for one test; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string? extra = null) => CreateDatabaseAsync(extra, template: null);

    /// <summary>
    /// A new database of its own for one test, a copy of <paramref name="template"/> (a database made once by
    /// <see cref="TemplateAsync"/>), or empty when that is null; returns its connection string.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string? extra, string? template)
    {
        var name = $"signpost_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand(
                template is null ? $"CREATE DATABASE \"{name}\"" : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString(name, extra);
    }

    /// <summary>
    /// The name of a template database made once on this server: a new database that <paramref name="prepare"/>
    /// fills (given its connection string, without pooling, so no connection to it stays open: PostgreSQL copies a
    /// template only while nobody is connected to it). Later calls with the same <paramref name="key"/> wait for the
    /// first and return the same name. Copying it (<see cref="CreateDatabaseAsync(string?, string?)"/>) costs a file
    /// copy instead of running every migration again for each test (docs/testing.md, "A migrated database per test").
    /// </summary>
    public Task<string> TemplateAsync(string key, Func<string, Task> prepare)
    {
        Lazy<Task<string>> made;
        lock (_templates)
        {
            if (!_templates.TryGetValue(key, out made!))
            {
                made = new Lazy<Task<string>>(() => Task.Run(async () =>
                {
                    var connectionString = await CreateDatabaseAsync("Pooling=false");
                    await prepare(connectionString);
                    return new NpgsqlConnectionStringBuilder(connectionString).Database!;
                }));
                _templates.Add(key, made);
            }
        }

        return made.Value;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopAsync("immediate");
        }
        catch (InvalidOperationException)
        {
            // Never started, or stopped already by a test.
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is not worth failing the run for.
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary><see cref="BinVariable"/> when set (scripts/test sets it), else the newest /usr/lib/postgresql/*/bin.</summary>
    private static string FindBin()
    {
        if (Environment.GetEnvironmentVariable(BinVariable) is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new InvalidOperationException($"{BinVariable} is '{configured}', which holds no initdb.");
        }

        const string root = "/usr/lib/postgresql";
        var newest = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            "PostgreSQL is not installed: the PostgreSQL tests need its server binaries (initdb, pg_ctl). "
            + $"Run `apt-get install -y postgresql` (scripts/test does), or set {BinVariable} to the folder holding initdb.");
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asServiceUser)
    {
        var start = new ProcessStartInfo(asServiceUser && IsRoot ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asServiceUser && IsRoot)
        {
            foreach (var prefix in new[] { "-u", ServiceUser, "--", program })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} did not finish within {CommandTimeout.TotalSeconds} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

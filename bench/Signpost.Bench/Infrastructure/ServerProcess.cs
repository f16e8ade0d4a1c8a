using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Signpost.Bench.Infrastructure;

/// <summary>What to start: a .NET web app by its dll, in its own folder, with its own environment.</summary>
internal sealed record ServerSpec(
    string Name,
    string Dll,
    string WorkingDirectory,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string ReadyPath,
    int Port,
    IReadOnlyList<string>? Launcher = null);

/// <summary>
/// A server this bench started (Signpost or the peer), measured from outside: how long until its first
/// page answered, its peak resident memory and the CPU time it used. Disposing it ends it.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServerProcess(string name, Process process, StreamWriter log, Uri baseUri, string logPath)
    {
        Name = name;
        _process = process;
        _log = log;
        BaseUri = baseUri;
        LogPath = logPath;
    }

    public string Name { get; }
    public Uri BaseUri { get; }
    public string LogPath { get; }
    public int Id => _process.Id;

    /// <summary>From the process start to the first 200 on <see cref="ServerSpec.ReadyPath"/>: the cold start.</summary>
    public TimeSpan ReadyAfter { get; private set; }

    public static async Task<ServerProcess> StartAsync(ServerSpec spec, CancellationToken cancellationToken)
    {
        // A launcher (e.g. taskset -c 0) runs dotnet itself, so the server's every thread starts under it.
        var launcher = spec.Launcher ?? [];
        var info = new ProcessStartInfo(launcher.Count > 0 ? launcher[0] : "dotnet")
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in launcher.Skip(1).Concat(launcher.Count > 0 ? ["dotnet"] : []))
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add(spec.Dll);
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        var logPath = Path.Combine(spec.WorkingDirectory, $"{spec.Name}.log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(info) ?? throw new BenchException($"Could not start {spec.Name}.");
        ChildProcesses.Track(process);
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(spec.Name, process, log, new Uri($"http://127.0.0.1:{spec.Port}"), logPath);
        try
        {
            await server.WaitReadyAsync(spec.ReadyPath, started, TimeSpan.FromSeconds(120), cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The server printed after we stopped listening.
            }
        }
    }

    private async Task WaitReadyAsync(string path, long started, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = BaseUri,
            Timeout = TimeSpan.FromSeconds(5),
        };
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new BenchException($"{Name} exited with code {_process.ExitCode} before it answered; see {LogPath}:\n{Tail(LogPath)}");
            }

            try
            {
                using var response = await client.GetAsync(path, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    ReadyAfter = Stopwatch.GetElapsedTime(started);
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Listening but slow to answer its first request.
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new BenchException($"{Name} did not answer {path} within {timeout.TotalSeconds:0} s; see {LogPath}.");
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    /// <summary>
    /// Waits until the server has printed a line containing <paramref name="text"/> (say, the first-run link, which
    /// <c>serve</c> prints beside its start rather than before it listens).
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            lock (_log)
            {
                _log.Flush();
            }

            using (var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
            {
                if ((await reader.ReadToEndAsync(cancellationToken)).Contains(text, StringComparison.Ordinal))
                {
                    return;
                }
            }

            if (_process.HasExited || Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new BenchException($"{Name} did not print \"{text}\" within {timeout.TotalSeconds:0} s; see {LogPath}:\n{Tail(LogPath)}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Peak resident set size (VmHWM) so far, in bytes.</summary>
    public long PeakResidentBytes() => ProcFs.StatusKilobytes(Id, "VmHWM:") * 1024;

    /// <summary>User plus system CPU time the server has used so far.</summary>
    public TimeSpan CpuTime() => ProcFs.CpuTime(Id);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (OperationCanceledException)
        {
            // Killed; the kernel reaps it.
        }

        ChildProcesses.Forget(_process);
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static string Tail(string path)
    {
        try
        {
            var lines = File.ReadAllLines(path);
            return string.Join('\n', lines.TakeLast(15));
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>A free TCP port on loopback.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Readings from /proc for one process.</summary>
internal static class ProcFs
{
    private static readonly Lazy<int> ClockTicks = new(ReadClockTicks);

    public static long StatusKilobytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var number = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(number, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // After the command name: state is field 3, utime 14 and stime 15 (proc(5)).
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / ClockTicks.Value);
    }

    private static int ReadClockTicks()
    {
        try
        {
            using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false });
            var text = getconf!.StandardOutput.ReadToEnd().Trim();
            getconf.WaitForExit();
            return int.TryParse(text, CultureInfo.InvariantCulture, out var ticks) && ticks > 0 ? ticks : 100;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 100;
        }
    }
}

/// <summary>Every process this bench started, so an interrupted run still ends them (and only them).</summary>
internal static class ChildProcesses
{
    private static readonly HashSet<Process> Live = [];

    static ChildProcesses()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    public static void Track(Process process)
    {
        lock (Live)
        {
            Live.Add(process);
        }
    }

    public static void Forget(Process process)
    {
        lock (Live)
        {
            Live.Remove(process);
        }
    }

    public static void KillAll()
    {
        lock (Live)
        {
            foreach (var process in Live)
            {
                try
                {
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                    }
                }
                catch (InvalidOperationException)
                {
                    // Gone already.
                }
            }

            Live.Clear();
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Signpost.Browser.Tests.Infrastructure;

/// <summary>
/// The real, built <c>signpost.dll --demo</c> as a child process on a free loopback port, with its
/// SQLite file and keys in a fresh temporary folder. Nothing of the app is loaded into the test process.
/// </summary>
public sealed class SignpostServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly string _workingFolder;
    private readonly StringBuilder _output = new();

    private SignpostServer(Process process, string workingFolder, Uri baseAddress)
    {
        _process = process;
        _workingFolder = workingFolder;
        BaseAddress = baseAddress;
    }

    /// <summary>http://127.0.0.1:port/ of the running app.</summary>
    public Uri BaseAddress { get; }

    /// <summary>http://localhost:port/, the same app by a name WebAuthn accepts as an RP ID (an IP address is not one).</summary>
    public Uri LocalhostAddress => new UriBuilder(BaseAddress) { Host = "localhost" }.Uri;

    /// <summary>The app's working folder, which holds its SQLite file: the <c>signpost</c> CLI run here uses the same database.</summary>
    public string WorkingFolder => _workingFolder;

    /// <summary>What the app printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the app; <paramref name="extraArguments"/> go after the others, e.g. <c>--Signpost:Email:Port=2525</c>.</summary>
    public static async Task<SignpostServer> StartAsync(IEnumerable<string>? extraArguments = null)
    {
        if (!File.Exists(Repository.AppDll))
        {
            throw new InvalidOperationException(
                $"The app is not built at {Repository.AppDll}. Build the test project (it references Signpost.Web) in the {Repository.Configuration} configuration.");
        }

        var workingFolder = Directory.CreateTempSubdirectory("signpost-browser-").FullName;
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = workingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // An extra argument may name the server's own address as {baseAddress} (e.g. its public base URL), known only
        // here, or as {localhostAddress}: the same port by the name localhost.
        foreach (var argument in new[] { Repository.AppDll, "--demo", "--urls", baseAddress.GetLeftPart(UriPartial.Authority) }
            .Concat((extraArguments ?? []).Select(a => a
                .Replace("{baseAddress}", baseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
                .Replace("{localhostAddress}", new UriBuilder(baseAddress) { Host = "localhost" }.Uri.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal))))
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var server = new SignpostServer(process, workingFolder, baseAddress);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await server.WaitUntilHealthyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_workingFolder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is not worth failing the run for.
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"signpost exited with code {_process.ExitCode} before it answered /healthz:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow first request; try again.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"signpost did not answer {BaseAddress}healthz within {StartTimeout.TotalSeconds:0} s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Signpost.Postgres.Tests.Infrastructure;

/// <summary>
/// One Signpost node: the real, built <c>signpost.dll</c> as a child process on a free loopback port,
/// over the PostgreSQL database named by its connection string. Several nodes over one database are
/// several instances of this class, the way a load balancer would see them.
/// </summary>
public sealed class SignpostNode : IAsyncDisposable
{
    public const string SupportedChrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/155.0.0.0 Safari/537.36";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly string _workingFolder;
    private readonly StringBuilder _output = new();

    private SignpostNode(string name, Process process, string workingFolder, Uri baseAddress)
    {
        Name = name;
        _process = process;
        _workingFolder = workingFolder;
        BaseAddress = baseAddress;
    }

    /// <summary>"A" or "B": for failure messages.</summary>
    public string Name { get; }

    /// <summary>http://127.0.0.1:port/ of the running node.</summary>
    public Uri BaseAddress { get; }

    /// <summary>What the node printed so far (console log and demo table).</summary>
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

    /// <summary>
    /// Starts a node on PostgreSQL and waits until <c>/healthz</c> answers. Only one node of a cluster
    /// may run <paramref name="demo"/> (the seeding is not meant to race), and it must be healthy before
    /// the next node starts. <paramref name="settings"/> are <c>Key=Value</c> configuration overrides.
    /// </summary>
    public static async Task<SignpostNode> StartAsync(string name, string connectionString, bool demo, params string[] settings)
    {
        var app = Path.Combine(AppContext.BaseDirectory, "signpost.dll");
        if (!File.Exists(app))
        {
            throw new InvalidOperationException($"signpost.dll is not built beside the tests ({app}): build this test project, which references Signpost.Web.");
        }

        var workingFolder = Directory.CreateTempSubdirectory("signpost-node-").FullName;
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = workingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(app);
        if (demo)
        {
            start.ArgumentList.Add("--demo");
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.GetLeftPart(UriPartial.Authority));
        foreach (var setting in new[]
                 {
                     "Signpost:Database:Provider=PostgreSQL",
                     $"ConnectionStrings:Signpost={connectionString}",
                     "Signpost:SignInRateLimit:PermitsPerMinute=100000",
                     // Production without a key-ring certificate: allowed explicitly for the test's own database.
                     "Signpost:DataProtection:AllowUnprotectedKeys=true",
                 }.Concat(settings))
        {
            start.ArgumentList.Add("--" + setting);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove("ConnectionStrings__Signpost");

        var process = new Process { StartInfo = start };
        var node = new SignpostNode(name, process, workingFolder, baseAddress);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitUntilHealthyAsync();
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>
    /// A browser-like client of this node: Chrome's user agent, no automatic redirects, and the given cookie
    /// jar. Cookies do not depend on the port, so one jar shared by clients of two nodes is one browser behind
    /// a load balancer that sends each request to either node.
    /// </summary>
    public HttpClient CreateClient(CookieContainer? cookies = null, TimeSpan? timeout = null)
    {
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = cookies ?? new CookieContainer(),
        };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", SupportedChrome);
        return client;
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

    public override string ToString() => $"node {Name} at {BaseAddress}";

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{this} exited with code {_process.ExitCode} before it answered /healthz:\n{Output}");
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

        throw new TimeoutException($"{this} did not answer /healthz within {StartTimeout.TotalSeconds:0} s:\n{Output}");
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

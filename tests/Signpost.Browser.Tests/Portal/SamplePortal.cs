using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Signpost.Browser.Tests.Infrastructure;

namespace Signpost.Browser.Tests.Portal;

/// <summary>
/// The sample portal (samples/Portal), built, as a child process on a free loopback port, configured only through
/// its own settings (authority, client ID, secret) as its README says. Nothing of it is loaded into the test process.
/// </summary>
public sealed class SamplePortal : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SamplePortal(Process process, Uri origin)
    {
        _process = process;
        Origin = origin;
    }

    /// <summary>http://127.0.0.1:port/ of the running portal.</summary>
    public Uri Origin { get; }

    /// <summary>The portal's project folder: its content root (settings, wwwroot).</summary>
    public static string ProjectFolder => Path.Combine(Repository.Root, "samples", "Portal");

    public static string Dll => Path.Combine(ProjectFolder, "bin", Repository.Configuration, "net10.0", "portal.dll");

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

    /// <summary>The origin the portal will listen on, known before it starts, so its addresses can be registered first.</summary>
    public static Uri ReserveOrigin()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
    }

    public static async Task<SamplePortal> StartAsync(Uri origin, Uri authority, string clientId, string? clientSecret)
    {
        if (!File.Exists(Dll))
        {
            throw new InvalidOperationException($"The sample portal is not built at {Dll}. Build the test project (it references samples/Portal) in the {Repository.Configuration} configuration.");
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = ProjectFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Development: static files from the project's wwwroot, as `dotnet run` serves them.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var argument in new[]
        {
            Dll, "--contentRoot", ProjectFolder, "--urls", origin.GetLeftPart(UriPartial.Authority),
            $"--Oidc:Authority={authority}", $"--Oidc:ClientId={clientId}", $"--Oidc:ClientSecret={clientSecret}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var portal = new SamplePortal(process, origin);
        process.OutputDataReceived += (_, e) => portal.Append(e.Data);
        process.ErrorDataReceived += (_, e) => portal.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await portal.WaitUntilAnsweringAsync();
        }
        catch
        {
            await portal.DisposeAsync();
            throw;
        }

        return portal;
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
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { BaseAddress = Origin, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The sample portal exited with code {_process.ExitCode} before it answered:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/", UriKind.Relative));
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

        throw new TimeoutException($"The sample portal did not answer {Origin} within {StartTimeout.TotalSeconds:0} s:\n{Output}");
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
}

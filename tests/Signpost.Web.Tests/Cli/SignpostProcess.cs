using System.Diagnostics;

namespace Signpost.Web.Tests.Cli;

/// <summary>What one run of the <c>signpost</c> executable did.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public IReadOnlyList<string> StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the built <c>signpost</c> command line as a child process, the way an operator does, against the
/// database named by <c>ConnectionStrings__Signpost</c>.
/// </summary>
public static class SignpostProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static Task<CliRun> RunAsync(string connectionString, string workingDirectory, string? stdin, params string[] args) =>
        RunWithEnvironmentAsync(connectionString, workingDirectory, stdin, new Dictionary<string, string?>(), args);

    /// <summary>
    /// Runs with extra environment variables (a null value removes one). The process runs in Production, as an
    /// operator's does; without a key-ring certificate that needs <c>AllowUnprotectedKeys</c>, set here unless
    /// <paramref name="environment"/> says otherwise.
    /// </summary>
    public static async Task<CliRun> RunWithEnvironmentAsync(string connectionString, string workingDirectory, string? stdin, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "signpost.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__Signpost"] = connectionString;
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment["Signpost__DataProtection__AllowUnprotectedKeys"] = "true";
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("signpost did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"signpost {string.Join(' ', args)} did not finish within {Timeout.TotalSeconds} s.");
        }

        return new CliRun(process.ExitCode, (await stdout).ReplaceLineEndings("\n"), (await stderr).ReplaceLineEndings("\n"));
    }
}

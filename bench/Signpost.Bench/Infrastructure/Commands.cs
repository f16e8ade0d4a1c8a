using System.Diagnostics;

namespace Signpost.Bench.Infrastructure;

/// <summary>The result of a command run to its end.</summary>
internal sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public CommandResult EnsureSuccess(string what) => ExitCode == 0 ? this
        : throw new BenchException($"{what} failed (exit {ExitCode}):\n{Tail(Error.Length > 0 ? Error : Output)}");

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(20));
}

/// <summary>Runs a command to its end: signpost's CLI, dotnet new/build for the peer, sqlite3.</summary>
internal static class Commands
{
    public static async Task<CommandResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null,
        string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new BenchException($"Could not start {fileName}.");
        ChildProcesses.Track(process);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken);
            return new CommandResult(process.ExitCode, await output, await error);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            ChildProcesses.Forget(process);
        }
    }
}

namespace Signpost.Web.Tests.Cli;

/// <summary>
/// <c>signpost serve</c> with settings its options classes refuse, run in process (<see cref="SignpostCommand"/>) on a
/// database path in an empty folder: what the operator reads. The refusal is exit code 2 with one line per refused
/// setting, and nothing is started or created (docs/cli.md, exit codes).
/// </summary>
public static class ServeRefusal
{
    /// <summary>The run, asserted to have exited 2 without creating anything; <paramref name="settings"/> are <c>Section:Key=value</c>.</summary>
    public static async Task<CliRun> RunAsync(params string[] settings)
    {
        var folder = Directory.CreateTempSubdirectory("signpost-refusal-").FullName;
        try
        {
            var run = await SignpostCommand.RunAsync($"Data Source={Path.Combine(folder, "signpost.db")}", folder, null,
                ["serve", "--urls", "http://127.0.0.1:0", .. settings.Select(s => "--" + s)]);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.All(run.StderrLines, line => Assert.StartsWith("signpost: configuration: ", line, StringComparison.Ordinal));
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
            return run;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

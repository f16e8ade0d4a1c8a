using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Signpost.Browser.Tests.Infrastructure;

/// <summary>The <c>signpost</c> command line on a running server's own database, as an operator would run it beside it.</summary>
public static class SignpostCommandLine
{
    /// <summary>Runs <c>signpost …</c> in the server's folder; fails the test on a non-zero exit; returns standard output, trimmed (null when empty).</summary>
    public static async Task<string?> RunAsync(SignpostServer server, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = server.WorkingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Repository.AppDll }.Concat(arguments).Append("--Signpost:DataProtection:AllowUnprotectedKeys=true"))
        {
            start.ArgumentList.Add(argument);
        }

        using var cli = Process.Start(start)!;
        var error = cli.StandardError.ReadToEndAsync();
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        Assert.True(cli.ExitCode == 0, $"signpost {string.Join(' ', arguments)} exited {cli.ExitCode}: {output}{await error}");
        return output.Trim() is { Length: > 0 } printed ? printed : null;
    }

    /// <summary>The sign-in event of <paramref name="traceId"/> (<c>signpost events show --json</c>).</summary>
    public static async Task<JsonObject> EventAsync(SignpostServer server, string traceId) =>
        JsonNode.Parse((await RunAsync(server, "events", "show", traceId, "--json"))!)!.AsObject();

    /// <summary>A field of an event, whatever the case of its name.</summary>
    public static JsonNode? Field(JsonObject json, string name) =>
        json.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

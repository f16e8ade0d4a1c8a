using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>
/// A portal's OpenID Connect client for a test: npm's openid-client (OpenID Certified), run by Node.js from
/// tests/tools/openid-client and driven one JSON line at a time. Every answer it returns passed the library's own
/// validation of Signpost's responses (issuer, audience, signature, nonce, state, PKCE). It exits with this process.
/// </summary>
public sealed class RelyingParty : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private RelyingParty(Process process) => _process = process;

    public static async Task<RelyingParty> StartAsync()
    {
        var tool = ToolFolder();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = tool,
        };
        start.ArgumentList.Add(Path.Combine(tool, "rp.mjs"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (first != "ready")
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"rp.mjs did not start ({first}); run `npm ci --prefix tests/tools/openid-client` (scripts/test does).");
        }

        return new RelyingParty(process);
    }

    /// <summary>Sends one command; the answer's <c>ok</c> says whether openid-client accepted what Signpost returned.</summary>
    public async Task<JsonObject> SendAsync(object command)
    {
        await _gate.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
            await _process.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("rp.mjs ended.");
            return JsonNode.Parse(line)!.AsObject();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends a command that must succeed; a failure fails the test with openid-client's own words.</summary>
    public async Task<JsonObject> MustAsync(object command)
    {
        var answer = await SendAsync(command);
        Assert.True(answer["ok"]!.GetValue<bool>(), $"openid-client refused: {answer.ToJsonString()}");
        return answer;
    }

    internal static string ToolFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Signpost.slnx")))
        {
            dir = dir.Parent;
        }

        var tool = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Signpost.slnx not found above the test folder."), "tests", "tools", "openid-client");
        if (!Directory.Exists(Path.Combine(tool, "node_modules", "openid-client")))
        {
            throw new InvalidOperationException($"{tool}/node_modules is missing: run `npm ci --prefix tests/tools/openid-client` (scripts/test does).");
        }

        return tool;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        _gate.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Signpost.Web.Tests.OpenIdProvider;

/// <summary>
/// A portal's back-channel logout endpoint: tests/tools/openid-client/backchannel-receiver.mjs, which checks each
/// logout token with jose (signature against Signpost's JWKS, iss, aud, typ, events, sid, no nonce) and answers 200
/// or 400. Every request it received is in <see cref="Received"/>, with its verdict. It exits with this process.
/// </summary>
public sealed class BackChannelReceiver : IAsyncDisposable
{
    private readonly Process _process;

    private BackChannelReceiver(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/backchannel-logout";

    public ConcurrentQueue<JsonObject> Received { get; } = new();

    /// <summary>Starts the receiver on <paramref name="port"/> for logout tokens of <paramref name="clientId"/> from <paramref name="issuer"/>.</summary>
    public static async Task<BackChannelReceiver> StartAsync(int port, string issuer, string clientId)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RelyingParty.ToolFolder(),
        };
        start.ArgumentList.Add(Path.Combine(RelyingParty.ToolFolder(), "backchannel-receiver.mjs"));
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(issuer);
        start.ArgumentList.Add(clientId);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (first != $"listening {port}")
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"backchannel-receiver.mjs did not start ({first}): {await errors}");
        }

        var receiver = new BackChannelReceiver(process, port);
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                receiver.Received.Enqueue(JsonNode.Parse(line)!.AsObject());
            }
        });
        return receiver;
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
    }
}

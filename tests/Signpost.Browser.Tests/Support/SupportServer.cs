using Signpost.Browser.Tests.Infrastructure;

namespace Signpost.Browser.Tests.Support;

/// <summary>
/// An app of its own for each support test class. "Ask for help" counts requests per address (five an hour,
/// a constant), and every test browser comes from 127.0.0.1: sharing the suite's app, a few classes filing
/// help requests would use up each other's hour.
/// </summary>
public sealed class SupportServer : IAsyncLifetime
{
    private SignpostServer? _server;

    public SignpostServer Server => _server ?? throw new InvalidOperationException("The support server has not started.");

    public async ValueTask InitializeAsync() =>
        // The floor that makes a help request take as long as a recovery request only slows the tests down.
        _server = await SignpostServer.StartAsync(["--Signpost:Recovery:MinimumResponseMilliseconds=0"]);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

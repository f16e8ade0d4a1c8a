using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Authorization;

/// <summary>
/// The real host for the authorization matrix: <see cref="SignpostFactory"/> plus what the world needs — a
/// client address per request (so practice B's attempts carry B's address, one more string that must not
/// leak), and SSO connections toward a closed loopback port (so <c>/sso/{slug}</c> and the platform's
/// "Test connection" reach a real connection and fail at once, without a provider). The world is seeded and
/// the matrix run once per host; the tests read the results.
/// </summary>
public sealed class MatrixApp : SignpostFactory
{
    private readonly SemaphoreSlim _once = new(1, 1);
    private MatrixWorld? _world;
    private IReadOnlyList<CellResult>? _results;

    /// <summary>The world's fingerprint before and after the run (<see cref="MatrixWorld.FingerprintAsync"/>).</summary>
    public (string Before, string After) Fingerprints { get; private set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Signpost:Sso:AllowHttpProviders", "true");
        builder.UseSetting("Signpost:Sso:AllowPrivateProviderAddresses", "true");
        builder.UseSetting("Signpost:Sso:BackchannelTimeoutSeconds", 2.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Signpost:Sso:HealthChecksEnabled", "false");
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressFilter>());
    }

    /// <summary>Practices A and B, their people, attempts and incidents, and every caller signed in.</summary>
    public async Task<MatrixWorld> WorldAsync()
    {
        await _once.WaitAsync();
        try
        {
            return _world ??= await MatrixWorld.SeedAsync(this);
        }
        finally
        {
            _once.Release();
        }
    }

    /// <summary>Every cell of <see cref="AuthorizationMatrix"/>, asked once through the real app.</summary>
    public async Task<IReadOnlyList<CellResult>> ResultsAsync()
    {
        var world = await WorldAsync();
        await _once.WaitAsync();
        try
        {
            if (_results is null)
            {
                var before = await world.FingerprintAsync();
                _results = await MatrixRunner.RunAsync(world, AuthorizationMatrix.Entries);
                Fingerprints = (before, await world.FingerprintAsync());
            }

            return _results;
        }
        finally
        {
            _once.Release();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        _world?.Dispose();
        _once.Dispose();
        await base.DisposeAsync();
    }
}

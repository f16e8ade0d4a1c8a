using Microsoft.Extensions.Options;

namespace Signpost.Web.OpenIdProvider;

/// <summary>
/// Looks at the key table every <see cref="OpenIdProviderOptions.KeyRefreshSeconds"/> and reloads the provider's
/// options when another node (or the command line) rotated a key, so every node signs with the current key and
/// publishes the same set (docs/oidc-provider.md "Keys").
/// </summary>
public sealed partial class ProviderKeyWatcher(ProviderKeyRing ring, IOptionsMonitor<OpenIdProviderOptions> options, TimeProvider time, ILogger<ProviderKeyWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.CurrentValue.KeyRefreshSeconds), time, stoppingToken);
                await CheckAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckFailed(logger, ex);
            }
        }
    }

    /// <summary>One look; true when the keys changed and the options will be rebuilt.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        var stored = await ring.StoredFingerprintAsync(cancellationToken);
        if (stored == ring.LoadedFingerprint)
        {
            return false;
        }

        LogKeysChanged(logger);
        ring.Reload();
        return true;
    }

    [LoggerMessage(EventId = 7501, EventName = "OpenIdProviderKeysChanged", Level = LogLevel.Information, Message = "The OpenID Connect provider's keys changed in the database; reloading them.")]
    private static partial void LogKeysChanged(ILogger logger);

    [LoggerMessage(EventId = 7502, EventName = "OpenIdProviderKeyCheckFailed", Level = LogLevel.Warning, Message = "Could not read the OpenID Connect provider's keys; the loaded ones stay in use.")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}

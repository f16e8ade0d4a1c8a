using System.Collections.Concurrent;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Signpost.Web.Sso;

/// <summary>
/// Why the last fetch of each provider's metadata failed, classified at the fetch itself, where the whole
/// exception is in hand. The OpenID Connect handler's configuration manager tells only the request that
/// fetched what went wrong: requests arriving while it backs off get "IDX20803: unable to obtain
/// configuration" with no cause at all. Without this record those requests were classified by guesswork, so
/// a provider that was down read "unreachable" for one person and "misconfigured" for the next, depending on
/// which request reached discovery first (docs/troubleshooter.md, "SSO causes").
/// </summary>
public sealed class SsoDiscoveryFailures
{
    private readonly ConcurrentDictionary<string, SsoFailure> _last = new(StringComparer.Ordinal);

    /// <summary>The cause of the latest failed fetch of <paramref name="metadataAddress"/>; null once a fetch succeeded.</summary>
    public SsoFailure? LastFailure(string? metadataAddress) =>
        metadataAddress is not null && _last.TryGetValue(metadataAddress, out var failure) ? failure : null;

    internal void Failed(string metadataAddress, SsoFailure failure) => _last[metadataAddress] = failure;

    internal void Succeeded(string metadataAddress) => _last.TryRemove(metadataAddress, out _);
}

/// <summary>
/// The handler's own metadata retrieval (<see cref="OpenIdConnectConfigurationRetriever"/>: the discovery
/// document, then the keys it points at), which records each failure's classified cause in
/// <see cref="SsoDiscoveryFailures"/> before the configuration manager swallows it.
/// </summary>
public sealed class RecordingConfigurationRetriever(SsoDiscoveryFailures failures) : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        try
        {
            var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(address, retriever, cancel);
            failures.Succeeded(address);
            return configuration;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failures.Failed(address, SsoFailures.Classify(ex));
            throw;
        }
    }
}

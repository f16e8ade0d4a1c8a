using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Queries;

namespace Signpost.Web.Sso;

/// <summary>
/// One OpenID Connect handler scheme per organization (<c>sso-{slug}</c>), added at run time with
/// <see cref="IAuthenticationSchemeProvider.TryAddScheme"/>: a new connection works without a restart.
/// </summary>
/// <remarks>
/// Why a scheme per connection rather than one scheme with per-request options: the handler's options
/// (and with them its <c>ConfigurationManager</c>, which caches discovery and keys) are per scheme name, so
/// each provider keeps its own cache, its own callback path (<c>/sso/callback/{slug}</c>, a distinct
/// redirect URI per provider, itself a mix-up defence of RFC 9207 §2) and its own failures — a broken
/// provider cannot poison another practice's cached keys. Every challenge and callback re-reads the
/// connection; when its <see cref="SsoConnection.UpdatedAt"/> stamp changed (an edit on any node), the
/// cached options are dropped and rebuilt by <see cref="SsoHandlerOptions"/>.
/// </remarks>
public sealed class SsoSchemes(IAuthenticationSchemeProvider schemes, IOptionsMonitorCache<OpenIdConnectOptions> optionsCache, IDataProtectionProvider protection)
{
    public const string SecretPurpose = "Signpost.Sso.ClientSecret";
    public const string SchemePrefix = "sso-";

    private readonly ConcurrentDictionary<string, SsoConnection> _bySlug = new(StringComparer.Ordinal);
    private readonly IDataProtector _protector = protection.CreateProtector(SecretPurpose);

    /// <summary>
    /// Loads the organization's connection and makes sure its scheme exists with current options; null when it
    /// has none or it is disabled (a disabled connection's scheme is removed, so no challenge or callback runs).
    /// </summary>
    public async Task<SsoConnection?> EnsureAsync(SsoQueries queries, string slug, CancellationToken cancellationToken)
    {
        var connection = await queries.FindConnectionAsync(slug, cancellationToken);
        var name = SsoConnection.SchemeFor(slug);
        if (connection is not { Enabled: true })
        {
            if (_bySlug.TryRemove(slug, out _))
            {
                schemes.RemoveScheme(name);
                optionsCache.TryRemove(name);
            }

            return null;
        }

        if (connection.Protocol == SsoProtocol.Saml)
        {
            // A SAML connection has no OpenID Connect handler (docs/saml.md); one left from before a switch goes.
            if (_bySlug.TryRemove(slug, out _))
            {
                schemes.RemoveScheme(name);
                optionsCache.TryRemove(name);
            }

            return connection;
        }

        if (!_bySlug.TryGetValue(slug, out var known) || known.Id != connection.Id || known.UpdatedAt != connection.UpdatedAt)
        {
            _bySlug[slug] = connection;
            optionsCache.TryRemove(name);
        }

        if (await schemes.GetSchemeAsync(name) is null)
        {
            schemes.TryAddScheme(new AuthenticationScheme(name, connection.Organization!.Name, typeof(OpenIdConnectHandler)));
        }

        return connection;
    }

    /// <summary>The connection behind a scheme name, as last loaded.</summary>
    public SsoConnection? ForScheme(string schemeName) =>
        schemeName.StartsWith(SchemePrefix, StringComparison.Ordinal) && _bySlug.TryGetValue(schemeName[SchemePrefix.Length..], out var c) ? c : null;

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The plain client secret, or null when there is none or it no longer decrypts (a lost key ring).</summary>
    public string? SecretOf(SsoConnection connection)
    {
        if (connection.ProtectedClientSecret is not { Length: > 0 } protectedSecret)
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(protectedSecret);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}

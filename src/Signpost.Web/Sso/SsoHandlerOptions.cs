using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Sso;

/// <summary>
/// Builds a connection's <see cref="OpenIdConnectOptions"/> from the database row that
/// <see cref="SsoSchemes"/> loaded: authorization code flow with PKCE (RFC 7636), state and nonce, and
/// strict ID token validation (OpenID Connect Core §3.1.3.7).
/// </summary>
public sealed class SsoHandlerOptions(SsoSchemes schemes, SsoBackchannel backchannel, SsoDiscoveryFailures discovery, IOptions<SsoOptions> settings) : IConfigureNamedOptions<OpenIdConnectOptions>
{
    /// <summary>Asymmetric algorithms only: <c>none</c> and HMAC (whose "secret" an attacker could take from the public JWKS) never validate.</summary>
    public static readonly string[] AllowedAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name is null || !name.StartsWith(SsoSchemes.SchemePrefix, StringComparison.Ordinal))
        {
            return;
        }

        var slug = name[SsoSchemes.SchemePrefix.Length..];
        options.CallbackPath = "/sso/callback/" + slug;
        options.SignInScheme = SessionAuthentication.SchemeName;
        options.EventsType = typeof(SsoHandlerEvents);
        options.ResponseType = OpenIdConnectResponseType.Code;
        // Query, not form_post: the callback is then a top-level GET, so the correlation and nonce cookies can
        // be SameSite=Lax (a cross-site POST would need SameSite=None).
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.GetClaimsFromUserInfoEndpoint = false;
        options.DisableTelemetry = true;
        options.RequireHttpsMetadata = !settings.Value.AllowHttpProviders;
        options.Backchannel = backchannel.Client;
        options.BackchannelTimeout = backchannel.Timeout;
        options.RefreshOnIssuerKeyNotFound = true;
        options.RemoteAuthenticationTimeout = TimeSpan.FromMinutes(15);
        options.CorrelationCookie.Name = ".sp_sso_corr.";
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.Name = ".sp_sso_nonce.";
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;

        var connection = schemes.ForScheme(name);
        if (connection is null)
        {
            // A scheme whose connection was removed on another node: valid options that can never sign anyone in.
            options.ClientId = "removed";
            options.Configuration = new OpenIdConnectConfiguration { Issuer = "urn:signpost:removed" };
            return;
        }

        options.MetadataAddress = connection.DiscoveryUrl;
        // The handler's own retrieval, recording why a fetch failed (SsoDiscoveryFailures): requests that arrive
        // while the manager backs off are told nothing else, and must still get the fetch's cause.
        options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
            connection.DiscoveryUrl,
            new RecordingConfigurationRetriever(discovery),
            new HttpDocumentRetriever(backchannel.Client) { RequireHttps = options.RequireHttpsMetadata })
        {
            RefreshInterval = options.RefreshInterval,
            AutomaticRefreshInterval = options.AutomaticRefreshInterval,
        };
        options.ClientId = connection.ClientId;
        options.ClientSecret = schemes.SecretOf(connection);
        options.Scope.Clear();
        options.Scope.Add("openid");
        foreach (var scope in connection.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(s => s != "openid"))
        {
            options.Scope.Add(scope);
        }

        options.TokenValidationParameters = new TokenValidationParameters
        {
            // Pinned to the issuer the discovery URL promises, not whatever the discovery document says.
            ValidIssuer = connection.ExpectedIssuer,
            ValidateIssuer = true,
            ValidAudience = connection.ClientId,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidAlgorithms = AllowedAlgorithms,
            ClockSkew = TimeSpan.FromMinutes(2),
            NameClaimType = "sub",
        };
    }
}

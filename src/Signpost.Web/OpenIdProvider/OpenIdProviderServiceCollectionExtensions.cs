using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using Signpost.Data;
using Signpost.Web.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Signpost.Web.OpenIdProvider;

/// <summary>
/// Signpost as an OpenID Connect provider for portal applications, on OpenIddict's server with its Entity
/// Framework Core stores in Signpost's own database (docs/oidc-provider.md).
/// </summary>
public static class OpenIdProviderServiceCollectionExtensions
{
    /// <summary>Scopes beyond OpenID Connect's own: the NPI and the practices with the person's roles.</summary>
    public const string NpiScope = "npi";
    public const string PracticesScope = "practices";

    public static readonly string[] SupportedScopes = [Scopes.OpenId, Scopes.Profile, Scopes.Email, NpiScope, PracticesScope, Scopes.OfflineAccess];

    public static IServiceCollection AddSignpostOpenIdProvider(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OpenIdProviderOptions>().BindConfiguration(OpenIdProviderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ProviderKeyRing>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(sp => sp.GetRequiredService<ProviderKeyRing>());
        services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(sp => sp.GetRequiredService<ProviderKeyRing>());
        services.AddSingleton<ProviderKeyWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ProviderKeyWatcher>());
        services.AddScoped<OpenIdClaims>();
        services.AddScoped<ClientRegistry>();
        services.AddScoped<AuthorizeEndpoint>();
        services.AddScoped<TokenEndpoint>();
        services.AddSingleton<LogoutTokens>();
        services.AddScoped<Core.Sessions.ISessionEndListener, BackChannelLogout>();

        // OpenIddict's server sees only the requests that could be its own (OpenIdRequestSchemes).
        services.AddHttpContextAccessor();
        services.Replace(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider, OpenIdRequestSchemes>());

        // The issuer is the public base URL, never a request's Host header (docs/configuration.md).
        var publicBaseUrl = configuration[$"{SignpostOptions.Section}:PublicBaseUrl"] ?? new SignpostOptions().PublicBaseUrl;
        if (!Uri.TryCreate(publicBaseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var issuer) || issuer.Scheme is not ("http" or "https"))
        {
            // Caught by `serve` and said in one line (docs/configuration.md).
            throw new InvalidOperationException($"Signpost:PublicBaseUrl '{publicBaseUrl}' is not an absolute http(s) address; it is the OpenID Connect provider's issuer.");
        }

        var provider = configuration.GetSection(OpenIdProviderOptions.Section).Get<OpenIdProviderOptions>() ?? new OpenIdProviderOptions();

        services.AddOpenIddict()
            .AddCore(core => core.UseSignpostDatabase())
            .AddServer(server =>
            {
                server.SetIssuer(issuer);
                server.SetAuthorizationEndpointUris(OpenIdEndpoints.Authorize)
                    .SetTokenEndpointUris(OpenIdEndpoints.Token)
                    .SetUserInfoEndpointUris(OpenIdEndpoints.UserInfo)
                    .SetRevocationEndpointUris(OpenIdEndpoints.Revoke)
                    .SetIntrospectionEndpointUris(OpenIdEndpoints.Introspect)
                    .SetEndSessionEndpointUris(OpenIdEndpoints.EndSession)
                    .SetJsonWebKeySetEndpointUris(OpenIdEndpoints.Jwks)
                    .SetConfigurationEndpointUris(OpenIdEndpoints.Discovery);

                // The code flow with PKCE for every client (RFC 9700 §2.1.1), S256 only: "plain" would hand the
                // verifier to whoever reads the authorization request. No implicit flow, no password grant.
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
                server.RequireProofKeyForCodeExchange();
                server.Configure(options =>
                {
                    options.CodeChallengeMethods.Clear();
                    options.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
                });

                server.RegisterScopes(SupportedScopes);
                server.RegisterClaims(OpenIdClaims.Supported);

                server.SetAccessTokenLifetime(TimeSpan.FromMinutes(provider.AccessTokenMinutes))
                    .SetIdentityTokenLifetime(TimeSpan.FromMinutes(provider.IdentityTokenMinutes))
                    .SetAuthorizationCodeLifetime(TimeSpan.FromSeconds(provider.AuthorizationCodeSeconds))
                    .SetRefreshTokenLifetime(TimeSpan.FromHours(provider.RefreshTokenHours));

                // Refresh tokens rotate at every use; a used one presented again (after no grace at all) revokes
                // every token of its authorization: the reuse detection of RFC 9700 §4.14.2.
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // Discovery says back-channel logout is supported, with sid (Back-Channel Logout 1.0 §2.1).
                server.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler => handler.UseInlineHandler(context =>
                {
                    context.Metadata["backchannel_logout_supported"] = true;
                    context.Metadata["backchannel_logout_session_supported"] = true;
                    return ValueTask.CompletedTask;
                }));
                server.AddEventHandler(RefusalEvents.Descriptor<OpenIddictServerEvents.ApplyAuthorizationResponseContext>());
                server.AddEventHandler(RefusalEvents.Descriptor<OpenIddictServerEvents.ApplyTokenResponseContext>());
                server.AddEventHandler(RefusalEvents.Descriptor<OpenIddictServerEvents.ApplyRevocationResponseContext>());
                server.AddEventHandler(RefusalEvents.Descriptor<OpenIddictServerEvents.ApplyIntrospectionResponseContext>());
                server.AddEventHandler(RefusalEvents.Descriptor<OpenIddictServerEvents.ApplyUserInfoResponseContext>());
                server.AddEventHandler(RefusalEvents.Descriptor<OpenIddictServerEvents.ApplyEndSessionResponseContext>());

                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();

                // OpenIddict refuses plain HTTP; the demo and a laptop serve over it, so the rule follows the
                // public address: an https:// Signpost (every real one) answers OpenID Connect over HTTPS only.
                if (issuer.Scheme == Uri.UriSchemeHttp)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            });
        return services;
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;

namespace Signpost.Web.Sso;

/// <summary>
/// The OpenID Connect handler's events for every connection: the RFC 9207 <c>iss</c> check, and one
/// place where every callback ends — a Signpost session, or a classified failure recorded with the
/// connection's ID and a redirect to the failure page with its trace ID. Never a 500.
/// </summary>
public sealed class SsoHandlerEvents(SsoSchemes schemes, SsoSignIn signIn, SsoDiscoveryFailures discovery, SsoUserInfo userInfo) : OpenIdConnectEvents
{
    /// <summary>
    /// RFC 9207 §2.4: an <c>iss</c> in the authorization response must be the connection's issuer; a provider
    /// that advertises <c>authorization_response_iss_parameter_supported</c> must send it. This runs before
    /// the code is redeemed, so a code from another provider (a mix-up) never reaches this one's token endpoint.
    /// </summary>
    public override async Task MessageReceived(MessageReceivedContext context)
    {
        if (schemes.ForScheme(context.Scheme.Name) is not { } connection || !string.IsNullOrEmpty(context.ProtocolMessage.Error))
        {
            return;
        }

        var iss = context.ProtocolMessage.Iss;
        if (iss is not null && !string.Equals(iss, connection.ExpectedIssuer, StringComparison.Ordinal))
        {
            var shown = iss.Length > 200 ? iss[..200] : iss;
            context.Fail(new SsoCheckException(ReasonCodes.SsoTokenInvalid,
                $"iss: the authorization response names issuer '{shown}', not this connection's '{connection.ExpectedIssuer}' (RFC 9207: a mix-up between providers)."));
            return;
        }

        if (iss is null && context.Options.ConfigurationManager is { } manager)
        {
            var configuration = await manager.GetConfigurationAsync(context.HttpContext.RequestAborted);
            if (configuration.AuthorizationResponseIssParameterSupported)
            {
                context.Fail(new SsoCheckException(ReasonCodes.SsoTokenInvalid,
                    "iss: the provider advertises RFC 9207 but its authorization response has no issuer (a mix-up between providers?)."));
            }
        }
    }

    /// <summary>
    /// The handler skips the signature check of an ID token that came straight from the token endpoint (OpenID
    /// Connect Core §3.1.3.7 allows trusting TLS there): it reads a token without a signature as valid, whatever
    /// algorithm its header names. Signpost verifies the signature of every ID token against the provider's
    /// published keys before the handler reads it: the algorithm must be an asymmetric one and the signature must
    /// verify, so a provider that signs nothing, or something in the path that strips or forges signatures, is
    /// stopped here. An unknown <c>kid</c> fetches the keys once more (rate-limited by the configuration manager).
    /// </summary>
    public override async Task TokenResponseReceived(TokenResponseReceivedContext context)
    {
        var idToken = context.TokenEndpointResponse.IdToken;
        if (string.IsNullOrEmpty(idToken))
        {
            context.Fail(new SsoCheckException(ReasonCodes.SsoTokenInvalid, "id_token: the token endpoint returned no ID token."));
            return;
        }

        string? algorithm;
        try
        {
            algorithm = new JsonWebToken(idToken).Alg;
        }
        catch (ArgumentException)
        {
            context.Fail(new SsoCheckException(ReasonCodes.SsoTokenInvalid, "id_token: the token is not a well-formed JWT."));
            return;
        }

        if (algorithm is null || !SsoHandlerOptions.AllowedAlgorithms.Contains(algorithm, StringComparer.Ordinal))
        {
            var shown = algorithm is { Length: > 16 } ? algorithm[..16] : algorithm ?? "(none)";
            context.Fail(new SsoCheckException(ReasonCodes.SsoSignatureInvalid,
                $"signature: the ID token's algorithm is '{shown}'; only RSA, RSA-PSS and ECDSA signatures are accepted (never none or HMAC)."));
            return;
        }

        var result = await ValidateSignatureAsync(context, idToken);
        if (!result.IsValid)
        {
            context.Fail(result.Exception ?? new SecurityTokenInvalidSignatureException("The ID token's signature does not verify."));
        }
    }

    /// <summary>Only the signature (and its algorithm): issuer, audience, lifetime and nonce are the handler's checks, with their own evidence.</summary>
    private static async Task<TokenValidationResult> ValidateSignatureAsync(TokenResponseReceivedContext context, string idToken)
    {
        var options = context.Options;
        var configuration = options.Configuration
            ?? (options.ConfigurationManager is { } manager ? await manager.GetConfigurationAsync(context.HttpContext.RequestAborted) : null);
        var parameters = options.TokenValidationParameters.Clone();
        parameters.RequireSignedTokens = true;
        parameters.ValidAlgorithms = SsoHandlerOptions.AllowedAlgorithms;
        parameters.ValidateIssuer = false;
        parameters.ValidateAudience = false;
        parameters.ValidateLifetime = false;
        parameters.RequireExpirationTime = false;
        parameters.IssuerSigningKeys = configuration?.SigningKeys ?? [];
        // With the configuration manager, a kid it does not know makes IdentityModel refresh the keys and try again.
        parameters.ConfigurationManager = options.ConfigurationManager as BaseConfigurationManager;
        return await new JsonWebTokenHandler().ValidateTokenAsync(idToken, parameters);
    }

    /// <summary>The ID token passed every check: the claims it lacks come from the provider's userinfo endpoint (<see cref="SsoUserInfo"/>).</summary>
    public override async Task TokenValidated(TokenValidatedContext context)
    {
        if (schemes.ForScheme(context.Scheme.Name) is not { } connection)
        {
            return;
        }

        try
        {
            await userInfo.ReadAsync(context, connection);
        }
        catch (SsoCheckException refused)
        {
            context.Fail(refused);
        }
    }

    public override async Task AccessDenied(AccessDeniedContext context)
    {
        if (schemes.ForScheme(context.Scheme.Name) is { } connection)
        {
            var query = context.Request.Query;
            var failure = SsoFailures.FromProviderError(query["error"].ToString(), query["error_description"].ToString());
            context.Response.Redirect(await signIn.FailAsync(context.HttpContext, connection, failure, null, null, context.HttpContext.RequestAborted));
            context.HandleResponse();
        }
    }

    public override async Task RemoteFailure(RemoteFailureContext context)
    {
        if (schemes.ForScheme(context.Scheme.Name) is { } connection)
        {
            var failure = SsoFailures.Classify(context.Failure, discovery.LastFailure(connection.DiscoveryUrl));
            context.Response.Redirect(await signIn.FailAsync(context.HttpContext, connection, failure, null, null, CancellationToken.None));
            context.HandleResponse();
        }
    }

    /// <summary>Signpost's own session replaces the handler's sign-in: no external cookie is ever written.</summary>
    public override async Task TicketReceived(TicketReceivedContext context)
    {
        if (schemes.ForScheme(context.Scheme.Name) is not { } connection || context.Principal is null)
        {
            context.Fail("No connection for this scheme.");
            return;
        }

        var fromUserInfo = context.Properties?.Items.TryGetValue(SsoUserInfo.ReadProperty, out var read) == true ? read : null;
        var target = await signIn.CompleteAsync(context.HttpContext, connection, context.Principal, fromUserInfo, context.ReturnUri, context.HttpContext.RequestAborted);
        context.Response.Redirect(target);
        context.HandleResponse();
    }
}

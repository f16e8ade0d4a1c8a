using OpenIddict.Server.AspNetCore;

namespace Signpost.Web.OpenIdProvider;

/// <summary>
/// The provider's addresses. OpenIddict answers discovery, the key set, revocation and introspection itself;
/// the authorization, token, userinfo and end-session requests reach Signpost's handlers once OpenIddict has
/// validated them (its "passthrough"), so sign-in, claims and refusals follow Signpost's rules.
/// </summary>
public static class OpenIdEndpoints
{
    public const string Authorize = "connect/authorize";
    public const string Token = "connect/token";
    public const string UserInfo = "connect/userinfo";
    public const string Revoke = "connect/revoke";
    public const string Introspect = "connect/introspect";
    public const string EndSession = "connect/endsession";
    public const string Jwks = ".well-known/jwks";
    public const string Discovery = ".well-known/openid-configuration";

    public static WebApplication MapOpenIdProvider(this WebApplication app)
    {
        app.MapMethods("/" + Authorize, [HttpMethods.Get, HttpMethods.Post],
            (HttpContext context, AuthorizeEndpoint endpoint) => endpoint.HandleAsync(context))
            .ExcludeFromDescription().DisableAntiforgery();
        app.MapPost("/" + Token, (HttpContext context, TokenEndpoint endpoint) => endpoint.HandleAsync(context))
            .ExcludeFromDescription().DisableAntiforgery();
        app.MapMethods("/" + UserInfo, [HttpMethods.Get, HttpMethods.Post],
            (HttpContext context, TokenEndpoint endpoint) => endpoint.UserInfoAsync(context))
            .ExcludeFromDescription().DisableAntiforgery();
        app.MapMethods("/" + EndSession, [HttpMethods.Get, HttpMethods.Post],
            (HttpContext context, AuthorizeEndpoint endpoint) => endpoint.EndSessionAsync(context))
            .ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    /// <summary>The OpenIddict scheme the handlers sign in, forbid and authenticate with.</summary>
    public const string Scheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;
}

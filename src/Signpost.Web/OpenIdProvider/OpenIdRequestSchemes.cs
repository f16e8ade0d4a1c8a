using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Signpost.Web.OpenIdProvider;

/// <summary>
/// The authentication schemes that see every request before routing, less OpenIddict's server off the provider's
/// addresses. ASP.NET Core's authentication middleware hands each request to every scheme that handles requests;
/// OpenIddict's builds its handler and runs its dispatcher to learn the request is none of its endpoints. That was
/// about a sixth of the CPU of a signed-in page and of <c>/healthz</c> alike (docs/capacity.md, "A signed-in page").
/// A request whose path ends with one of <see cref="OpenIdEndpoints"/>' addresses (in any case, with or without a
/// trailing slash, under any base path) still goes to OpenIddict, which decides as before: the rule passes every
/// request OpenIddict could match.
/// </summary>
public sealed class OpenIdRequestSchemes(IOptions<AuthenticationOptions> options, IHttpContextAccessor requests) : AuthenticationSchemeProvider(options)
{
    private static readonly string[] Addresses =
    [
        OpenIdEndpoints.Authorize, OpenIdEndpoints.Token, OpenIdEndpoints.UserInfo, OpenIdEndpoints.Revoke,
        OpenIdEndpoints.Introspect, OpenIdEndpoints.EndSession, OpenIdEndpoints.Jwks, OpenIdEndpoints.Discovery,
    ];

    public override async Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync()
    {
        var schemes = await base.GetRequestHandlerSchemesAsync();
        if (requests.HttpContext is not { } context || MayBeProviderRequest(context.Request.PathBase + context.Request.Path))
        {
            return schemes;
        }

        return schemes.Where(s => s.Name != OpenIdEndpoints.Scheme);
    }

    /// <summary>Whether <paramref name="path"/> could be one of the provider's addresses: it ends with one, ignoring case and one trailing slash.</summary>
    public static bool MayBeProviderRequest(PathString path)
    {
        var value = path.Value.AsSpan();
        if (value.EndsWith("/"))
        {
            value = value[..^1];
        }

        foreach (var address in Addresses)
        {
            if (value.EndsWith(address, StringComparison.OrdinalIgnoreCase) && value.Length > address.Length && value[^(address.Length + 1)] == '/')
            {
                return true;
            }
        }

        return false;
    }
}

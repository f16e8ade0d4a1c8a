using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Antiforgery;
using Signpost.Core.Sessions;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// The anti-forgery request token of a signed-in page's form (the home page's sign-out form), issued once per
/// node's copy of the session and anti-forgery cookie instead of at every render (docs/capacity.md, "A signed-in
/// page"). ASP.NET Core encrypts a new request token with Data Protection at every render, and decrypts the
/// anti-forgery cookie to do it; any of those tokens is valid for the same cookie token and the same user, so the
/// first one is as good as a new one. It is kept beside the node's copy of the session (<see cref="SessionCache"/>),
/// and goes with it: when the copy is dropped (its bound, a sign-out, any change on the node) the next page issues
/// a new one. A page whose browser sent another anti-forgery cookie, or none, gets the framework's own token (and
/// cookie). The POST is checked as before, by the framework's anti-forgery validation.
/// </summary>
public static class SessionFormToken
{
    private static readonly object Key = new();
    private static readonly ConditionalWeakTable<SignedInSession, Issued> Tokens = new();

    /// <summary>The node's copy of the session that authenticated this request (<see cref="SessionAuthentication"/>).</summary>
    public static void Remember(HttpContext context, SignedInSession copy) => context.Items[Key] = copy;

    /// <summary>
    /// The request token for a form on this page: the one issued earlier for this copy of the session and this
    /// anti-forgery cookie, or a new one from <see cref="IAntiforgery"/> (which also sets the cookie when the browser has none).
    /// </summary>
    public static string RequestToken(HttpContext context)
    {
        var cookie = context.Request.Cookies[FormGuard.CookieName];
        var copy = context.Items.TryGetValue(Key, out var held) && held is SignedInSession session
            && context.User.FindFirst(SessionAuthentication.SessionIdClaim)?.Value == session.Session.Id ? session : null;
        if (copy is not null && !string.IsNullOrEmpty(cookie)
            && Tokens.TryGetValue(copy, out var issued) && string.Equals(issued.CookieToken, cookie, StringComparison.Ordinal))
        {
            // What IAntiforgery.GetAndStoreTokens does to every page that carries a token.
            context.Response.Headers.CacheControl = "no-cache, no-store";
            context.Response.Headers.Pragma = "no-cache";
            return issued.RequestToken;
        }

        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);

        // Kept only when the browser's cookie was valid (no new cookie token issued): the token is bound to it.
        if (copy is not null && !string.IsNullOrEmpty(cookie) && tokens.CookieToken is null && tokens.RequestToken is not null)
        {
            Tokens.AddOrUpdate(copy, new Issued(cookie, tokens.RequestToken));
        }

        return tokens.RequestToken!;
    }

    private sealed record Issued(string CookieToken, string RequestToken);
}

using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;

namespace Signpost.Web.OpenIdProvider;

/// <summary>
/// How a successful sign-in form hands the browser back to the authorization endpoint. Signpost's pages send
/// <c>form-action 'self'</c>, and Chromium applies it to every redirect that follows a form submission, so a
/// 302 from the sign-in POST to <c>/connect/authorize</c> and on to the portal's (cross-origin) redirect URI is
/// blocked at the last hop. For that one target the POST answers with a small page that moves on by
/// <c>&lt;meta http-equiv="refresh"&gt;</c>, plus a plain link: a new navigation, not a form's, so form-action
/// does not apply. No script, nothing the CSP has to loosen (docs/oidc-provider.md, "Signing in from a browser").
/// </summary>
public static class AuthorizeHandoff
{
    /// <summary>
    /// A local redirect to <paramref name="localTarget"/> (already checked by <c>LocalUrls</c>), or the
    /// hand-off page when it is the authorization endpoint. The endpoint still validates the request and only
    /// ever redirects to a redirect URI registered for the client.
    /// </summary>
    public static async Task<IActionResult> RedirectAsync(HttpContext context, string localTarget, CancellationToken cancellationToken)
    {
        if (!IsAuthorizeRequest(localTarget))
        {
            return new LocalRedirectResult(localTarget);
        }

        var application = await ApplicationNameAsync(context, localTarget, cancellationToken);
        var html = HtmlEncoder.Default;
        var target = html.Encode(localTarget);
        var name = html.Encode(application);
        context.Response.Headers.CacheControl = "no-store";
        return new ContentResult
        {
            StatusCode = StatusCodes.Status200OK,
            ContentType = "text/html; charset=utf-8",
            Content = $"""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta http-equiv="refresh" content="0;url={target}">
                <title>Continuing to {name} – Signpost</title>
                <link rel="stylesheet" href="/css/site.css">
                </head>
                <body>
                <main id="main">
                <h1>Continuing to {name}…</h1>
                <p>You are signed in. <a href="{target}" data-testid="continue">Continue to {name}</a> if nothing happens.</p>
                </main>
                </body>
                </html>
                """,
        };
    }

    /// <summary>
    /// True when the path, decoded as the router would read it, is the authorization endpoint. A spelling this
    /// misses only falls back to the plain redirect, which a browser may block: it never widens what is allowed.
    /// </summary>
    public static bool IsAuthorizeRequest(string localTarget)
    {
        var end = localTarget.IndexOfAny(['?', '#']);
        var path = Uri.UnescapeDataString(end < 0 ? localTarget : localTarget[..end]).TrimEnd('/');
        return string.Equals(path, "/" + OpenIdEndpoints.Authorize, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The registered client's display name, for the page; "the application" for anything else.</summary>
    public static async Task<string> ApplicationNameAsync(HttpContext context, string localTarget, CancellationToken cancellationToken)
    {
        var at = localTarget.IndexOf('?', StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(at < 0 ? "" : localTarget[at..]);
        var applications = context.RequestServices.GetRequiredService<IOpenIddictApplicationManager>();
        if (query.TryGetValue(OpenIddictConstants.Parameters.ClientId, out var clientId) && clientId.Count == 1 && clientId[0] is { Length: > 0 and <= 100 } id
            && await applications.FindByClientIdAsync(id, cancellationToken) is { } client)
        {
            var name = await applications.GetDisplayNameAsync(client, cancellationToken);
            if (!string.IsNullOrWhiteSpace(name))
            {
                return name;
            }
        }

        return "the application";
    }
}

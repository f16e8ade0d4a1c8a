using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// What a request that arrived over HTTPS (directly, or from a trusted proxy's <c>X-Forwarded-Proto</c>, see
/// <see cref="ProxySupport"/>) gets on top: HSTS (RFC 6797), and Signpost's own cookies — session, anti-forgery,
/// trusted device — under <c>__Host-</c> names (RFC 6265bis §4.1.3.2), which a browser accepts only when
/// Secure, for this exact host and path <c>/</c>: a sibling subdomain or a man in the middle on plain HTTP can
/// then neither set nor overwrite them. Over plain HTTP (a laptop, the demo) the plain names stay, since a
/// browser refuses a <c>__Host-</c> cookie there. See docs/deployment.md.
/// </summary>
public static class TransportSecurity
{
    public const string HostPrefix = "__Host-";

    /// <summary>Signpost's cookies: the session, anti-forgery and every <c>sp_dev_</c> trusted-device cookie.</summary>
    public const string OwnPrefix = "sp_";

    private const string DevicePrefix = "sp_dev_";

    public static IServiceCollection AddSignpostTransportSecurity(this IServiceCollection services) =>
        services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = false;
            options.Preload = false;
        });

    /// <summary>Runs right after the forwarded headers, so the scheme is the one the client used.</summary>
    public static IApplicationBuilder UseSignpostTransportSecurity(this IApplicationBuilder app)
    {
        // UseHsts answers HTTPS requests only and skips localhost, so a developer's machine is never pinned.
        app.UseHsts();
        app.Use((context, next) =>
        {
            if (context.Request.IsHttps)
            {
                ReadHostCookies(context);
                context.Response.OnStarting(static state => RenameSetCookies((HttpContext)state), context);
            }

            return next(context);
        });
        return app;
    }

    /// <summary>
    /// The rest of Signpost reads its cookies by their plain names. Over HTTPS, a plain-named session or
    /// anti-forgery cookie could have been planted over HTTP or by a subdomain, so only the <c>__Host-</c>
    /// ones count (a session from before the rename signs in again once). A plain-named device cookie from
    /// before the rename still counts: it is HMAC-signed and bound to its account, so a planted one proves nothing.
    /// </summary>
    private static void ReadHostCookies(HttpContext context)
    {
        var incoming = context.Request.Cookies;
        if (!incoming.Keys.Any(k => k.StartsWith(OwnPrefix, StringComparison.Ordinal) || k.StartsWith(HostPrefix + OwnPrefix, StringComparison.Ordinal)))
        {
            return;
        }

        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in incoming)
        {
            if (name.StartsWith(HostPrefix + OwnPrefix, StringComparison.Ordinal))
            {
                kept[name[HostPrefix.Length..]] = value;
            }
            else if (!name.StartsWith(OwnPrefix, StringComparison.Ordinal))
            {
                kept.TryAdd(name, value);
            }
        }

        foreach (var (name, value) in incoming)
        {
            if (name.StartsWith(DevicePrefix, StringComparison.Ordinal))
            {
                kept.TryAdd(name, value);
            }
        }

        context.Request.Headers.Cookie = string.Join("; ", kept.Select(c => new CookieHeaderValue(c.Key, Uri.EscapeDataString(c.Value)).ToString()));
        context.Features.Set<IRequestCookiesFeature>(new RequestCookiesFeature(context.Features));
    }

    /// <summary>Every cookie of Signpost's set on this HTTPS response goes out as <c>__Host-</c>, Secure, path <c>/</c>.</summary>
    private static Task RenameSetCookies(HttpContext context)
    {
        var headers = context.Response.Headers;
        var cookies = headers.SetCookie;
        if (cookies.Count == 0 || !cookies.Any(c => c is not null && c.StartsWith(OwnPrefix, StringComparison.Ordinal)))
        {
            return Task.CompletedTask;
        }

        var renamed = new string?[cookies.Count];
        for (var i = 0; i < cookies.Count; i++)
        {
            var cookie = cookies[i];
            if (cookie is null || !cookie.StartsWith(OwnPrefix, StringComparison.Ordinal) || !SetCookieHeaderValue.TryParse(cookie, out var parsed))
            {
                renamed[i] = cookie;
                continue;
            }

            parsed.Name = HostPrefix + parsed.Name.Value;
            parsed.Secure = true;
            parsed.Path = "/";
            parsed.Domain = null;
            renamed[i] = parsed.ToString();
        }

        headers.SetCookie = renamed;
        return Task.CompletedTask;
    }
}

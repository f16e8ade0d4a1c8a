using Signpost.Core.Devices;
using Signpost.Core.SignIn;

namespace Signpost.Web.Infrastructure;

/// <summary>Collects what the server can see of the client for the sign-in event (docs/design.md §4).</summary>
public static class ClientFactsReader
{
    public static ClientFacts Read(HttpContext context, bool? cookiesWorking = null, bool? javaScriptWorking = null)
    {
        var request = context.Request;
        var hints = string.Join("; ", request.Headers
            .Where(h => h.Key.StartsWith("Sec-CH-UA", StringComparison.OrdinalIgnoreCase))
            .Select(h => $"{h.Key}={h.Value}"));
        var deviceCookies = request.Cookies
            .Where(c => c.Key.StartsWith("sp_dev_", StringComparison.Ordinal) || c.Key.StartsWith("sp_mfa_", StringComparison.Ordinal))
            .Take(20)
            .ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        return new ClientFacts
        {
            Ip = context.Connection.RemoteIpAddress,
            UserAgent = request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null,
            ClientHints = hints.Length > 0 ? hints : null,
            CookiesWorking = cookiesWorking,
            JavaScriptWorking = javaScriptWorking,
            DeviceCookies = deviceCookies,
            RecoveryRequestedFor = request.Cookies.ContainsKey(RecoveryCookie.Name) ? context.RequestServices.GetService<RecoveryCookie>()?.Read(context) : null,
        };
    }

    /// <summary>Sets the cookies a sign-in result asks for: the session, for a new browser the trusted-device cookie, and a remembered browser's.</summary>
    public static void WriteSignInCookies(HttpContext context, SignInResult result)
    {
        if (result.Session is { } session)
        {
            context.Response.Cookies.Append(SessionAuthentication.CookieName, session.Token, CookieOptionsFor(context, maxAge: null));
        }

        if (result.NewDeviceCookie is { } device)
        {
            context.Response.Cookies.Append(device.Name, device.Value, CookieOptionsFor(context, DeviceCookies.Lifetime));
        }

        if (result.RememberBrowserCookie is { } remembered)
        {
            context.Response.Cookies.Append(remembered.Name, remembered.Value, CookieOptionsFor(context, RememberedBrowsers.Lifetime));
        }
    }

    /// <summary>Sets or clears (<paramref name="value"/> null) a short-lived cookie of Signpost's own, with the same protections as the session's.</summary>
    public static void WriteShortLivedCookie(HttpContext context, string name, string? value, TimeSpan maxAge)
    {
        if (value is null)
        {
            context.Response.Cookies.Delete(name, CookieOptionsFor(context, null));
            return;
        }

        context.Response.Cookies.Append(name, value, CookieOptionsFor(context, maxAge));
    }

    /// <summary>
    /// Makes this browser trusted for the account unless it already is: opening a valid reset or unlock
    /// link proves the person reads the account's email, the way out of a lockout attack.
    /// </summary>
    public static async Task TrustBrowserAsync(HttpContext context, Guid accountId, CancellationToken cancellationToken)
    {
        var devices = context.RequestServices.GetRequiredService<DeviceCookies>();
        var name = DeviceCookies.CookieName(accountId);
        if (await devices.VerifyAsync(context.Request.Cookies[name], accountId, cancellationToken) is not null)
        {
            return;
        }

        var (value, _) = await devices.IssueAsync(accountId, cancellationToken);
        context.Response.Cookies.Append(name, value, CookieOptionsFor(context, DeviceCookies.Lifetime));
    }

    /// <summary>HttpOnly, SameSite=Lax, Secure over HTTPS: out of reach of scripts and of cross-site posts.</summary>
    private static CookieOptions CookieOptionsFor(HttpContext context, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        Secure = context.Request.IsHttps,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        IsEssential = true,
        MaxAge = maxAge,
    };
}

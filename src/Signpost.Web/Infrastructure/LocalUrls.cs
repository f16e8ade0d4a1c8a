namespace Signpost.Web.Infrastructure;

/// <summary>
/// The one check for every <c>returnUrl</c> Signpost will redirect to after a sign-in, by password or by
/// single sign-on: a path on this site, nothing a browser could read as another host (docs/security.md,
/// "Sessions and the sign-in gate"; OWASP Unvalidated Redirects and Forwards).
/// </summary>
public static class LocalUrls
{
    /// <summary>
    /// True for <c>/</c> and <c>/path…</c>. False for anything else: absolute URLs, <c>//host</c> and
    /// <c>/\host</c> (protocol-relative), and any control character — browsers drop tabs and newlines, so
    /// <c>/\t/evil.example</c> is read as <c>//evil.example</c>. The same rule as ASP.NET Core's
    /// <c>IUrlHelper.IsLocalUrl</c>, without its <c>~/</c> form, which nothing here sends.
    /// </summary>
    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/' || url.Length > 2048)
        {
            return false;
        }

        if (url.Length > 1 && url[1] is '/' or '\\')
        {
            return false;
        }

        return !url.Any(char.IsControl);
    }

    /// <summary><paramref name="url"/> when it is local, else the home page.</summary>
    public static string OrHome(string? url) => IsLocal(url) ? url! : "/";
}

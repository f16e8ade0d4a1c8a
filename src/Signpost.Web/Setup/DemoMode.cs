using System.Net;

namespace Signpost.Web.Setup;

/// <summary>
/// Whether this process was started with <c>--demo</c>, and the demo's confinement: it listens on
/// loopback only and runs only on a database that holds nothing but the demo (README, docs/deployment.md).
/// Not a setting: only the <c>--demo</c> switch turns it on, so no configuration file can.
/// </summary>
public sealed record DemoMode(bool Enabled)
{
    /// <summary>
    /// The first address the host would listen on that is not loopback, as configured (<c>--urls</c>,
    /// <c>ASPNETCORE_URLS</c>, <c>Kestrel:Endpoints</c>, <c>ASPNETCORE_HTTP_PORTS</c>); null when all are loopback.
    /// </summary>
    public static string? NonLoopbackAddress(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        urls.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        if (urls.Count == 0)
        {
            // Without URLs the host listens on these ports on every interface.
            foreach (var key in new[] { "http_ports", "https_ports" })
            {
                if (configuration[key] is { Length: > 0 } ports)
                {
                    return $"port(s) {ports} on every interface ({key})";
                }
            }
        }

        return urls.FirstOrDefault(url => !IsLoopbackUrl(url));
    }

    /// <summary>True for <c>scheme://localhost…</c>, <c>scheme://127.x.x.x…</c> and <c>scheme://[::1]…</c>; false for wildcards and anything else.</summary>
    public static bool IsLoopbackUrl(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var authority = url[(start + 3)..].Split('/')[0];
        string host;
        if (authority.StartsWith('['))
        {
            var end = authority.IndexOf(']', StringComparison.Ordinal);
            if (end < 0)
            {
                return false;
            }

            host = authority[1..end];
        }
        else
        {
            host = authority.Split(':')[0];
        }

        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>Whether a request came from this machine (the connection's address, after any trusted proxy's).</summary>
    public static bool IsLoopbackClient(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}

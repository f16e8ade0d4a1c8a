using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Signpost.Web.Sso;

/// <summary>A provider address Signpost refuses to call: not https, or inside a private, loopback or link-local network.</summary>
public sealed class ProviderAddressRefusedException(string message) : Exception(message);

/// <summary>
/// Every call Signpost makes to an identity provider (discovery, keys, token; sign-in and health check alike)
/// goes to <c>https</c> on a public address only. A practice administrator types the discovery URL, and the
/// provider's own metadata names the other endpoints, so either could otherwise point Signpost's server at
/// itself, at the cloud's metadata service (169.254.169.254) or at the internal network (server-side request
/// forgery, OWASP ASVS 5.0 V1.3.6). The address is checked on the socket actually connected, after DNS, so a
/// name that resolves to a private address (or changes its answer between two lookups) is refused too.
/// <c>Signpost:Sso:AllowHttpProviders</c> and <c>AllowPrivateProviderAddresses</c> lift the rules for test
/// set-ups with providers on loopback. See docs/sso.md.
/// </summary>
public static class ProviderAddresses
{
    /// <summary>The handler for provider calls: no redirects, bounded waits, the address rules above.</summary>
    public static HttpMessageHandler CreateHandler(SsoOptions settings, TimeSpan timeout, Action<SocketsHttpHandler>? configure = null)
    {
        var sockets = new SocketsHttpHandler
        {
            ConnectTimeout = timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            MaxResponseHeadersLength = 64,
        };
        if (!settings.AllowPrivateProviderAddresses)
        {
            sockets.ConnectCallback = ConnectToPublicAddressAsync;
        }

        var authorities = settings.LoadTrustedAuthorities();
        if (authorities.Count > 0)
        {
            sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(certificate, chain, errors, authorities);
        }

        configure?.Invoke(sockets);
        return settings.AllowHttpProviders ? sockets : new HttpsOnly { InnerHandler = sockets };
    }

    /// <summary>
    /// A provider's TLS certificate is accepted when the system trusts it, or when the only fault is a chain the
    /// system does not know and it builds to one of <paramref name="authorities"/>
    /// (<see cref="SsoOptions.TrustedCertificateAuthoritiesFile"/>). A wrong host name or an expired certificate is
    /// refused either way.
    /// </summary>
    public static bool IsTrusted(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || authorities.Count == 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // The intermediates the server presented, to build through; trust still comes only from the authorities.
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    /// <summary>The reason an address is refused, or null when it may be called.</summary>
    public static string? Refusal(Uri address, SsoOptions settings)
    {
        if (address.Scheme != Uri.UriSchemeHttps && !settings.AllowHttpProviders)
        {
            return $"{address.GetLeftPart(UriPartial.Authority)} is not https: identity providers are called over TLS only.";
        }

        if (!settings.AllowPrivateProviderAddresses && IPAddress.TryParse(address.IdnHost.Trim('[', ']'), out var ip) && !IsPublic(ip))
        {
            return $"{address.Host} is a private, loopback or link-local address; identity providers must be reachable on a public address.";
        }

        return null;
    }

    /// <summary>False for loopback, private (RFC 1918, RFC 4193), shared (RFC 6598), link-local, multicast and reserved ranges.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224
                || (b[0] == 100 && b[1] >= 64 && b[1] < 128)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 198 && b[1] is 18 or 19)
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
                || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b));
        }

        return false;
    }

    private static async ValueTask<Stream> ConnectToPublicAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new ProviderAddressRefusedException(
                $"{host} resolves only to private, loopback or link-local addresses; identity providers must be reachable on a public address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Refuses a plain-http request before anything is sent: the provider's metadata may name any address.</summary>
    private sealed class HttpsOnly : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri is { Scheme: "https" }
                ? base.SendAsync(request, cancellationToken)
                : throw new HttpRequestException("The request was refused before it was sent.",
                    new ProviderAddressRefusedException($"{request.RequestUri?.GetLeftPart(UriPartial.Authority)} is not https: identity providers are called over TLS only."));
    }
}

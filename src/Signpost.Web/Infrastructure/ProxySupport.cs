using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Signpost.Web.Infrastructure;

/// <summary>
/// Behind a TLS-terminating proxy or load balancer, the client's address and scheme arrive in
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>. They are believed only from the proxies named in
/// <c>Signpost:TrustedProxies</c> (addresses or CIDR ranges); with none named, the headers are ignored,
/// because anyone can send them. The address read here is what rate limits, network labels and events use.
/// </summary>
public static class ProxySupport
{
    public const string Key = "Signpost:TrustedProxies";

    public static IServiceCollection AddSignpostProxySupport(this IServiceCollection services, IConfiguration configuration)
    {
        var trusted = configuration.GetSection(Key).Get<string[]>() ?? [];
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = trusted.Length == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var entry in trusted)
            {
                var value = entry.Trim();
                if (value.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(value, out var network))
                {
                    options.KnownIPNetworks.Add(network);
                }
                else if (IPAddress.TryParse(value, out var address))
                {
                    options.KnownProxies.Add(address);
                }
                else
                {
                    throw new InvalidOperationException($"{Key} holds '{value}', which is neither an IP address nor a CIDR range.");
                }
            }

            // One proxy hop by default; a chain of trusted proxies is walked as long as each hop is trusted.
            options.ForwardLimit = null;
        });
        return services;
    }
}

using System.Net;
using System.Net.Sockets;
using Signpost.Core.Events;

namespace Signpost.Core.Analytics;

/// <summary>
/// Which network an attempt came from, as the analytics count it: the practice's label for an allow-listed
/// network, else the address's /24 (IPv4) or /48 (IPv6) — close enough to "the same office or provider"
/// without keeping single addresses in the aggregates.
/// </summary>
public static class NetworkKey
{
    public const int MaxLength = 64;

    /// <summary>Unknown address.</summary>
    public const string Unknown = "unknown";

    public static string? Of(SignInEvent e) => Of(e.NetworkLabel, e.ClientIp);

    public static string Of(string? networkLabel, string? clientIp)
    {
        // "unknown" is what the classifier writes for an address in none of the practice's ranges: not a label.
        if (!string.IsNullOrWhiteSpace(networkLabel) && networkLabel.Trim() != Organizations.NetworkClassifier.Unknown)
        {
            var label = "allow-listed: " + networkLabel.Trim();
            return label.Length > MaxLength ? label[..MaxLength] : label;
        }

        if (clientIp is null || !IPAddress.TryParse(clientIp, out var address))
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return new IPAddress(bytes) + "/24";
        }

        for (var b = 6; b < bytes.Length; b++)
        {
            bytes[b] = 0;
        }

        return new IPAddress(bytes) + "/48";
    }

    /// <summary>Whether the key names one of the practice's allow-listed networks.</summary>
    public static bool IsAllowListed(string key) => key.StartsWith("allow-listed: ", StringComparison.Ordinal);
}

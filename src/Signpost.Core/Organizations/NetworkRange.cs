using System.Net;

namespace Signpost.Core.Organizations;

/// <summary>
/// A network an organization declares: its address range in CIDR notation, a label people recognise
/// (LAN, VPN egress, ...) and whether sign-in is allowed from it when the allow-list is on.
/// </summary>
public sealed class NetworkRange
{
    public required string Cidr { get; set; }
    public required string Label { get; set; }
    public bool Allowed { get; set; } = true;

    /// <summary>True when <paramref name="address"/> lies in this range; false for a range that does not parse.</summary>
    public bool Contains(IPAddress address)
    {
        if (!IPNetwork.TryParse(Cidr, out var network))
        {
            return false;
        }

        var candidate = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return network.Contains(candidate);
    }
}

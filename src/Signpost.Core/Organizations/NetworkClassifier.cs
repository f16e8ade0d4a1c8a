using System.Net;

namespace Signpost.Core.Organizations;

/// <summary>Labels a client address from an organization's declared ranges (docs/design.md §4 "network label").</summary>
public static class NetworkClassifier
{
    public const string Unknown = "unknown";

    /// <summary>The label of the first declared range containing the address, or <see cref="Unknown"/>.</summary>
    public static string Label(Organization organization, IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        return organization.NetworkRanges.FirstOrDefault(r => r.Contains(address))?.Label ?? Unknown;
    }

    /// <summary>True when the organization accepts sign-ins from this address.</summary>
    public static bool IsAllowed(Organization organization, IPAddress? address)
    {
        if (!organization.Policy.RestrictToAllowedNetworks)
        {
            return true;
        }

        return address is not null && organization.NetworkRanges.Any(r => r.Allowed && r.Contains(address));
    }
}

using System.Net;
using System.Net.Sockets;
using Signpost.Core.Events;
using Signpost.Core.Organizations;

namespace Signpost.Core.Escalation.Rules;

/// <summary>
/// docs/design.md §6, "network issues: the same user fails from every network tried (two or more distinct
/// networks) → payer support". Failing from one network points at that network; failing from all of
/// them points at something support must look at.
/// </summary>
/// <remarks>
/// A network is the organization-declared label (LAN, VPN, ...) when there is one, else the client
/// address's /24 (IPv4) or /48 (IPv6). Only failures for network reasons count
/// (<see cref="EscalationOptions.NetworkReasonCodes"/>); any success of the account in the window means
/// some network works, and nothing fires.
/// </remarks>
public static class EveryNetworkFailsRule
{
    public const string Id = "network.every_network_fails";

    public static RuleFiring? Evaluate(SignInEvent trigger, IReadOnlyList<SignInEvent> history, EscalationOptions options)
    {
        if (trigger.AccountId is not { } accountId || !IsNetworkFailure(trigger, options))
        {
            return null;
        }

        var events = RuleEvents.Between(history, trigger, trigger.OccurredAt - options.NetworkWindow).Where(e => e.AccountId == accountId).ToList();
        if (events.Any(e => e.Succeeded))
        {
            return null;
        }

        var networks = events.Where(e => IsNetworkFailure(e, options)).GroupBy(NetworkOf, StringComparer.Ordinal).Where(g => g.Key.Length > 0).ToList();
        if (networks.Count < options.Networks)
        {
            return null;
        }

        return new RuleFiring(Id, "Sign-in fails from every network tried", [EscalationTarget.PayerSupport],
            RuleFiring.AccountSubject(accountId), InvalidCredentialsRules.Bucket(networks.Min(g => g.First().OccurredAt), options.NetworkWindow),
            accountId, trigger.OrganizationId,
            $"Failed from {networks.Count} networks ({string.Join(", ", networks.Select(g => g.Key))}) with no success in between.",
            [.. networks.Select(g => EvidenceEvent.Of(g.Last()))]);
    }

    private static bool IsNetworkFailure(SignInEvent e, EscalationOptions options) =>
        !e.Succeeded && options.NetworkReasonCodes.Contains(e.ReasonCode, StringComparer.Ordinal);

    /// <summary>The declared label, else the address's /24 or /48; empty when neither is known.</summary>
    public static string NetworkOf(SignInEvent e)
    {
        if (!string.IsNullOrWhiteSpace(e.NetworkLabel) && e.NetworkLabel != NetworkClassifier.Unknown)
        {
            return $"label:{e.NetworkLabel}";
        }

        if (!IPAddress.TryParse(e.ClientIp, out var ip))
        {
            return "";
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        var bytes = ip.GetAddressBytes();
        var keep = ip.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        for (var i = keep; i < bytes.Length; i++)
        {
            bytes[i] = 0;
        }

        return $"range:{new IPAddress(bytes)}/{keep * 8}";
    }
}

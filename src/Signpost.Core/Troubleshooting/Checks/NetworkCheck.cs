using System.Net;
using Signpost.Core.Events;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting.Checks;

/// <summary>
/// Step 6: the attempt's address against each practice's allow-list and declared ranges (LAN, VPN egress),
/// and whether the failures come from one network or from every network tried.
/// </summary>
public sealed class NetworkCheck : ITroubleshootingCheck
{
    public int Step => TroubleshootingSteps.NetworkPath;

    public string Name => "network";

    public ValueTask<CheckFinding> RunAsync(TroubleshootingContext context, CancellationToken cancellationToken)
    {
        if (context.Focus is not { } focus)
        {
            return ValueTask.FromResult(CheckFinding.Unknown(Name, "No attempt in range, so no network path to check."));
        }

        var evidence = new List<string>();
        var candidates = new List<string>();
        var problem = false;
        IPAddress.TryParse(focus.ClientIp, out var address);
        evidence.Add($"The attempt came from {focus.ClientIp ?? "an unknown address"} ({focus.NetworkLabel ?? NetworkClassifier.Unknown}).");
        foreach (var organization in context.Organizations)
        {
            // A practice administrator may be reading about a person who also works elsewhere: other practices' ranges are not theirs to see.
            if (organization.NetworkRanges.Count > 0 && context.Audience == DiagnosisAudience.Support)
            {
                var ranges = string.Join(", ", organization.NetworkRanges.Select(r => $"{r.Label} {r.Cidr}{(r.Allowed ? "" : " (not allowed)")}"));
                evidence.Add($"{organization.Name} declares {ranges}; allow-list {(organization.Policy.RestrictToAllowedNetworks ? "on" : "off")}.");
            }

            if (!NetworkClassifier.IsAllowed(organization, address))
            {
                problem = true;
                candidates.Add(ReasonCodes.NetworkNotAllowed);
                evidence.Add($"{focus.ClientIp ?? "The address"} is outside {organization.Name}'s allowed networks.");
            }
        }

        var failures = context.StoryFailures.Where(TroubleshootingContext.IsSignIn).ToList();
        var networks = failures.Select(Evidence.NetworkOf).Distinct().ToList();
        if (networks.Count >= 2)
        {
            evidence.Add($"Failures came from {networks.Count} networks: {string.Join(", ", networks)}.");
        }

        var working = context.Events.Where(e => e.Succeeded && TroubleshootingContext.IsSignIn(e)).Select(Evidence.NetworkOf).Distinct().ToList();
        if (working.Count > 0)
        {
            evidence.Add($"Sign-in worked from {string.Join(", ", working)}.");
        }

        // Two things answer rate_limited: a limit on one address (a network fact), and the node's hash admission
        // refusing untrusted attempts while it is full (a portal-wide flood; nothing about this person's network).
        var limited = context.Story.Where(e => e.ReasonCode == ReasonCodes.RateLimited).ToList();
        var refusedAtAdmission = limited.Count(IsAdmissionRefusal);
        var byAddress = limited.Count - refusedAtAdmission;
        if (byAddress > 0)
        {
            problem = true;
            evidence.Add($"{Evidence.Count(byAddress, "attempt")} rate-limited: many attempts from one address.");
        }

        if (refusedAtAdmission > 0)
        {
            evidence.Add($"{Evidence.Count(refusedAtAdmission, "attempt")} refused before the password check because the server was busy checking other passwords "
                + "(usually a credential-stuffing flood on the portal, not this person's network); a browser this person has signed in on before is let through first.");
        }

        problem |= context.Story.Any(e => e.ReasonCode == ReasonCodes.NetworkNotAllowed);
        return ValueTask.FromResult(problem ? CheckFinding.Problem(Name, candidates, [.. evidence]) : CheckFinding.Ok(Name, [.. evidence]));
    }

    private static bool IsAdmissionRefusal(SignInEvent e) =>
        e.Detail?.StartsWith(SignIn.PasswordSignIn.AdmissionRefusedDetail, StringComparison.Ordinal) == true;
}

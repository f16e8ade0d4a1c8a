using Signpost.Core.Maintenance;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting.Checks;

/// <summary>
/// Step 4, first half: is the sign-on method available at all? Maintenance windows in force at the attempt
/// or now, and attempts refused because a dependency was down.
/// </summary>
public sealed class AvailabilityCheck : ITroubleshootingCheck
{
    public int Step => TroubleshootingSteps.EvaluateSignOnMethod;

    public string Name => "availability";

    public ValueTask<CheckFinding> RunAsync(TroubleshootingContext context, CancellationToken cancellationToken)
    {
        var organizationIds = context.Organizations.Select(o => o.Id).ToList();
        var concerning = context.Windows
            .Where(w => !w.IsCancelled && (w.BlocksPasswordSignIn || organizationIds.Any(id => w.Concerns(id))))
            .ToList();
        var evidence = new List<string>();
        var candidates = new List<string>();
        foreach (var window in concerning)
        {
            var end = Escalation.LockOutlastsMaintenanceRule.EffectiveEnd(window);
            var state = window.IsInForce(context.Now) ? "in force now" : end <= context.Now ? "ended" : "planned";
            evidence.Add($"{window.Scope} maintenance {Evidence.Utc(window.StartsAt)} to {Evidence.Utc(end)} ({state}): {window.Message.ReplaceLineEndings(" ")}");
            if (window.BlocksPasswordSignIn && window.IsInForce(context.Now))
            {
                candidates.Add(ReasonCodes.MaintenanceWindow);
            }
        }

        if (context.Focus is { } focus && concerning.FirstOrDefault(w => w.IsInForce(focus.OccurredAt)) is { } during)
        {
            evidence.Add(during.Scope == MaintenanceScope.OrganizationSso
                ? "The attempt fell in the practice's SSO maintenance; password failures then count for nothing toward lockout."
                : "The attempt fell inside this maintenance window.");
        }

        var degraded = context.Story.Where(e => e.ReasonCode == ReasonCodes.ServiceDegraded).ToList();
        if (degraded.Count > 0)
        {
            evidence.Add($"{Evidence.Count(degraded.Count, "attempt")} refused because a dependency was down, {Evidence.Utc(degraded[0].OccurredAt)} to {Evidence.Utc(degraded[^1].OccurredAt)}.");
        }

        if (candidates.Count > 0 || degraded.Count > 0 || context.Story.Any(e => e.ReasonCode == ReasonCodes.MaintenanceWindow))
        {
            return ValueTask.FromResult(CheckFinding.Problem(Name, candidates, [.. evidence]));
        }

        evidence.Insert(0, "Password sign-in is available: no maintenance window blocks it now or blocked the attempt.");
        return ValueTask.FromResult(CheckFinding.Ok(Name, [.. evidence]));
    }
}

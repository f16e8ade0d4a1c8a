namespace Signpost.Core.Troubleshooting.Checks;

/// <summary>
/// Step 7: recent administrative changes to the account and its memberships, from the audit trail. A
/// change that can take access away (disable, remove, revoke, a role, a hold, a forced password change)
/// within a week before the attempt is a problem to look at; other changes are listed as context.
/// </summary>
public sealed class AdminChangesCheck : ITroubleshootingCheck
{
    /// <summary>How far back a change counts as "recent".</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromDays(7);

    /// <summary>Words in an audit action that mean access may have been taken away.</summary>
    public static IReadOnlyList<string> AccessChanging { get; } = ["disable", "remove", "revoke", "role", "flag", "suspend", "require", "must_change"];

    public int Step => TroubleshootingSteps.AdminConsoleReview;

    public string Name => "admin changes";

    public ValueTask<CheckFinding> RunAsync(TroubleshootingContext context, CancellationToken cancellationToken)
    {
        if (context.Account is null)
        {
            return ValueTask.FromResult(CheckFinding.Unknown(Name, "No account was resolved, so there is no administrative history to review."));
        }

        if (context.AdminChanges.Count == 0)
        {
            return ValueTask.FromResult(CheckFinding.Ok(Name, "No administrative change to the account or its memberships is on record."));
        }

        var reference = context.Focus?.OccurredAt ?? context.Now;
        var evidence = context.AdminChanges.Take(5)
            .Select(c => $"{Evidence.Utc(c.At)} {c.Action} by {c.Actor}.")
            .ToList();
        var suspicious = context.AdminChanges
            .Where(c => c.At <= reference && c.At >= reference - Recent && AccessChanging.Any(w => c.Action.Contains(w, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        if (suspicious.Count > 0)
        {
            evidence.Insert(0, $"{Evidence.Count(suspicious.Count, "change")} that can take access away in the week before: {string.Join(", ", suspicious.Select(c => c.Action).Distinct())}.");
            return ValueTask.FromResult(CheckFinding.Problem(Name, [], [.. evidence]));
        }

        return ValueTask.FromResult(CheckFinding.Ok(Name, [.. evidence]));
    }
}

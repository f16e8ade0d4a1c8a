using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting.Checks;

/// <summary>
/// Step 2: resets (and unlocks) requested, completed or failed in the 15 minutes before the attempt,
/// and whether sign-in still failed after a completed reset — in the same browser or another.
/// </summary>
public sealed class ResetCheck : ITroubleshootingCheck
{
    /// <summary>docs/design.md §5 and §6: "in the last 15 minutes".</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static readonly HashSet<string> Failures = new(StringComparer.Ordinal)
    {
        ReasonCodes.ResetLinkInvalid, ReasonCodes.ResetLinkExpired, ReasonCodes.ResetLinkUsed, ReasonCodes.ResetLinkOtherAccount, ReasonCodes.PasswordNotAccepted,
    };

    public int Step => TroubleshootingSteps.TestPasswordReset;

    public string Name => "password reset";

    /// <summary>True for a recovery step (reset, unlock, activation) rather than a sign-in.</summary>
    public static bool IsRecovery(SignInEvent e) => e.Method is SignInMethod.PasswordReset or SignInMethod.Unlock or SignInMethod.Activation;

    /// <summary>True for a failed reset (a bad link or a refused new password).</summary>
    public static bool IsFailedReset(SignInEvent e) => !e.Succeeded && IsRecovery(e) && Failures.Contains(e.ReasonCode);

    public ValueTask<CheckFinding> RunAsync(TroubleshootingContext context, CancellationToken cancellationToken)
    {
        var reference = context.Focus?.OccurredAt ?? context.Now;
        var recent = context.Events.Where(e => IsRecovery(e) && e.OccurredAt >= reference - Window && e.OccurredAt <= reference).ToList();
        var evidence = new List<string>();
        var requested = recent.Count(e => e.ReasonCode is ReasonCodes.ResetRequested or ReasonCodes.UnlockRequested);
        var completed = recent.Where(e => e.ReasonCode is ReasonCodes.PasswordReset or ReasonCodes.AccountUnlocked or ReasonCodes.AccountActivated).ToList();
        var failed = recent.Where(IsFailedReset).ToList();
        if (recent.Count > 0)
        {
            evidence.Add($"In the 15 minutes to {Evidence.Utc(reference)}: {requested} requested, {completed.Count} completed, {failed.Count} failed.");
        }

        foreach (var failure in failed.TakeLast(3))
        {
            evidence.Add($"{Evidence.Utc(failure.OccurredAt)} {failure.ReasonCode} in {Evidence.BrowserOf(failure)}.");
        }

        // A completed reset followed by a failed sign-in: the new password does not work, or not everywhere.
        var lastReset = context.Events.LastOrDefault(e => e.ReasonCode == ReasonCodes.PasswordReset && e.OccurredAt <= reference);
        var failingAfter = lastReset is null ? [] : context.Events
            .Where(e => e.OccurredAt > lastReset.OccurredAt && e.OccurredAt <= reference && TroubleshootingContext.IsSignIn(e) && !e.Succeeded)
            .ToList();
        if (lastReset is not null && failingAfter.Count > 0)
        {
            evidence.Add($"Sign-in failed {Evidence.Count(failingAfter.Count, "time")} after the reset completed at {Evidence.Utc(lastReset.OccurredAt)}.");
            var otherBrowsers = failingAfter.Where(e => e.Browser != lastReset.Browser).Select(Evidence.BrowserOf).Distinct().ToList();
            if (otherBrowsers.Count > 0)
            {
                evidence.Add($"The reset was done in {Evidence.BrowserOf(lastReset)}; the failures came from {string.Join(", ", otherBrowsers)} (success in one browser but not another).");
            }
        }

        var succeededAfterReset = lastReset is not null && context.Events.Any(e => e.OccurredAt > lastReset.OccurredAt && TroubleshootingContext.IsSignIn(e) && e.Succeeded);
        if (succeededAfterReset)
        {
            evidence.Add("A sign-in succeeded after the reset.");
        }

        if (failed.Count > 0 || failingAfter.Count > 0)
        {
            return ValueTask.FromResult(CheckFinding.Problem(Name, [], [.. evidence]));
        }

        return recent.Count > 0 || lastReset is not null
            ? ValueTask.FromResult(CheckFinding.Ok(Name, [.. evidence]))
            : ValueTask.FromResult(CheckFinding.Unknown(Name, "No reset or unlock was tried in the 15 minutes before; \"Forgot password\" is the next test."));
    }
}

using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting.Checks;

/// <summary>
/// Step 1, second factor. No sign-in path asks for one yet, so without MFA events this says "not used
/// here"; the MFA feature replaces or joins it with a check that reads enrolments.
/// </summary>
public sealed class MfaCheck : ITroubleshootingCheck
{
    public int Step => TroubleshootingSteps.ConfirmCredentials;

    public string Name => "mfa";

    public int Order => 1;

    public ValueTask<CheckFinding> RunAsync(TroubleshootingContext context, CancellationToken cancellationToken)
    {
        var mfa = context.Story.Where(e => TroubleshootingContext.ReasonOf(e).Category == ReasonCategory.Mfa).ToList();
        if (mfa.Count == 0)
        {
            return ValueTask.FromResult(CheckFinding.NotUsedHere(Name, "No second-factor step was involved: MFA is not used here."));
        }

        var codes = mfa.GroupBy(e => e.ReasonCode).Select(g => $"{g.Key} {g.Count()}×");
        return ValueTask.FromResult(CheckFinding.Problem(Name, [],
            $"{Evidence.Count(mfa.Count, "second-factor failure")}: {string.Join(", ", codes)}; the last at {Evidence.Utc(mfa[^1].OccurredAt)}."));
    }
}

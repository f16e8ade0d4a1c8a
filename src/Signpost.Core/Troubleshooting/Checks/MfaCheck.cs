using Signpost.Core.Mfa;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting.Checks;

/// <summary>
/// Step 1, second factor (docs/mfa.md, "What support sees"): the person's enrolled authenticators, recent
/// second-factor failures, the authenticator clock's measured skew, recovery codes left and the lock. It names
/// <c>mfa_locked</c> while the second factor is locked and <c>mfa_clock_skew</c> for a skew measured in the
/// range, when the attempts in question were second-factor ones — a lock or skew beside a wrong password is
/// evidence, not the cause.
/// </summary>
public sealed class MfaCheck : ITroubleshootingCheck
{
    public int Step => TroubleshootingSteps.ConfirmCredentials;

    public string Name => "mfa";

    public int Order => 1;

    public async ValueTask<CheckFinding> RunAsync(TroubleshootingContext context, CancellationToken cancellationToken)
    {
        var mfa = context.Story.Where(e => TroubleshootingContext.ReasonOf(e).Category == ReasonCategory.Mfa).ToList();
        var failures = mfa.Where(e => !e.Succeeded && e.ReasonCode != ReasonCodes.MfaRequired).ToList();
        var summary = context.Account is { } account ? await context.Facts.FindSecondFactorAsync(account.Id, cancellationToken) : null;
        var evidence = new List<string>();
        var candidates = new List<string>();

        if (summary is not null)
        {
            var rules = SecondFactorRules.For(context.Account!);
            evidence.Add(summary.Authenticators.Count == 0
                ? $"No authenticator enrolled; second factor {Describe(rules)}."
                : $"{Evidence.Count(summary.Authenticators.Count, "authenticator")} enrolled ({string.Join(", ", summary.Authenticators.Select(a => $"\"{a.Name}\" since {Evidence.Utc(a.ConfirmedAt!.Value)}"))}); {summary.RecoveryCodesLeft} of {RecoveryCodes.SetSize} recovery codes left; second factor {Describe(rules)}.");
            if (summary.Passkeys is { Count: > 0 } passkeys)
            {
                evidence.Add($"{Evidence.Count(passkeys.Count, "passkey")} registered ({string.Join(", ", passkeys.Select(p => $"\"{p.Name}\" since {Evidence.Utc(p.CreatedAt)}, last used {(p.LastUsedAt is { } used ? Evidence.Utc(used) : "never")}"))}).");
            }

            foreach (var skewed in summary.Authenticators.Where(a => a.MeasuredSkewSteps is { } s && Math.Abs(s) > TotpCodes.AcceptedSteps && a.SkewMeasuredAt >= context.From))
            {
                evidence.Add($"Authenticator \"{skewed.Name}\": its clock measured {TotpCodes.DescribeSkew(skewed.MeasuredSkewSteps!.Value * TotpCodes.StepSeconds)} at {Evidence.Utc(skewed.SkewMeasuredAt!.Value)}.");
                candidates.Add(ReasonCodes.MfaClockSkew);
            }

            if (summary.State is { LockedUntil: { } until } state && until > context.Now)
            {
                evidence.Add($"The second factor is locked until {Evidence.Utc(until)} after {Evidence.Count(state.FailureCount, "wrong code")} (the password lock is separate).");
                candidates.Add(ReasonCodes.MfaLocked);
            }
            else if (summary.State is { FailureCount: > 0 } counting)
            {
                evidence.Add($"{Evidence.Count(counting.FailureCount, "wrong code")} counted toward the second factor's lock.");
            }

            if (summary.State is { EnrolmentRequired: true, ResetAt: { } reset })
            {
                evidence.Add($"Reset by an administrator at {Evidence.Utc(reset)}: enrolment is asked at the next sign-in.");
            }
        }

        if (failures.Count > 0)
        {
            var codes = failures.GroupBy(e => e.ReasonCode).Select(g => $"{g.Key} {g.Count()}×");
            evidence.Add($"{Evidence.Count(failures.Count, "second-factor failure")}: {string.Join(", ", codes)}; the last at {Evidence.Utc(failures[^1].OccurredAt)}.");
        }

        if (mfa.Count == 0)
        {
            // Nothing second-factor happened in these attempts: what is known is evidence, never the cause.
            return summary is null or { Authenticators.Count: 0, State: null, Passkeys: null or { Count: 0 } }
                ? CheckFinding.NotUsedHere(Name, ["No second-factor step was involved: MFA is not used here.", .. evidence])
                : CheckFinding.Ok(Name, [.. evidence]);
        }

        if (failures.Count == 0 && candidates.Count == 0)
        {
            return CheckFinding.Ok(Name, [.. evidence, $"{Evidence.Count(mfa.Count, "second-factor step")}, none refused for a wrong code."]);
        }

        return CheckFinding.Problem(Name, candidates.Distinct().ToList(), [.. evidence]);
    }

    private static string Describe(SecondFactorRules rules) => rules.Requirement switch
    {
        SecondFactorRequirement.Required => $"required ({rules.Why})",
        SecondFactorRequirement.Optional => "optional (asked on a new browser from a new network)",
        _ => "off",
    };
}

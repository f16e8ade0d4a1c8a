using Signpost.Core.Accounts;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting.Checks;

/// <summary>
/// Step 1: what was typed. Unknown identifiers (with similar existing ones, for support only), the
/// wrong-password streak, and how the identifier was typed (NPI, username, email).
/// </summary>
public sealed class CredentialsCheck : ITroubleshootingCheck
{
    /// <summary>Similar identifiers offered to support for one mistyped identifier.</summary>
    public const int SimilarLimit = 5;

    public int Step => TroubleshootingSteps.ConfirmCredentials;

    public string Name => "credentials";

    public async ValueTask<CheckFinding> RunAsync(TroubleshootingContext context, CancellationToken cancellationToken)
    {
        var signIns = context.Story.Where(TroubleshootingContext.IsSignIn).ToList();
        if (signIns.Count == 0)
        {
            return context.Events.Any(TroubleshootingContext.IsSignIn)
                ? CheckFinding.Ok(Name, "The last sign-in attempt in range succeeded; no credential failure since.")
                : CheckFinding.Unknown(Name, "No sign-in attempt in range, so the credentials were not tried.");
        }

        var evidence = new List<string>();
        var kinds = signIns.GroupBy(e => e.IdentifierKind ?? "unreadable").Select(g => $"{g.Key} {g.Count()}×");
        evidence.Add($"{Evidence.Count(signIns.Count, "attempt")} since the last success; identifier typed as {string.Join(", ", kinds)}.");

        var unknown = signIns.Where(e => e.AccountId is null && e.ReasonCode == ReasonCodes.InvalidCredentials).ToList();
        foreach (var typed in unknown.Select(e => (e.Identifier ?? "", e.IdentifierKind)).Distinct().Take(3))
        {
            evidence.Add($"\"{typed.Item1}\" (read as {typed.IdentifierKind ?? "unknown"}) matches no account.");
            if (typed.IdentifierKind == nameof(IdentifierKind.Npi).ToLowerInvariant())
            {
                evidence.Add("An NPI matches only an account that recorded that individual NPI; the provider ID (username) or email may work.");
            }

            if (context.Audience == DiagnosisAudience.Support && typed.Item1.Length > 0)
            {
                var similar = await context.Facts.FindSimilarIdentifiersAsync(typed.Item1, SimilarLimit, cancellationToken);
                if (similar.Count > 0)
                {
                    evidence.Add($"Similar existing identifiers (support only): {string.Join(", ", similar)}.");
                }
            }
        }

        // Every wrong password on the account since the last success, not only a trailing run: once the
        // lock holds, further attempts are recorded as locked, yet the wrong passwords led there.
        var wrong = signIns.Where(e => e.AccountId is not null && e.ReasonCode == ReasonCodes.InvalidCredentials).ToList();
        if (wrong.Count > 0)
        {
            evidence.Add($"{Evidence.Count(wrong.Count, "wrong password")} since the last success, the last at {Evidence.Utc(wrong[^1].OccurredAt)}.");
        }

        var malformed = signIns.Count(e => e.ReasonCode == ReasonCodes.InvalidRequest);
        if (malformed > 0)
        {
            evidence.Add($"{Evidence.Count(malformed, "request")} could not be read (empty or over-long fields).");
        }

        return unknown.Count > 0 || wrong.Count > 0 || malformed > 0
            ? CheckFinding.Problem(Name, [], [.. evidence])
            : CheckFinding.Ok(Name, [.. evidence.Append("No wrong password and no unknown identifier among them.")]);
    }
}

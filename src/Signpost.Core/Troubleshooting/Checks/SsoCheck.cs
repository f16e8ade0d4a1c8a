using Signpost.Core.Escalation.Rules;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting.Checks;

/// <summary>
/// Step 4, second half: the organization's SSO connection — its health (reachable, keys, certificate
/// expiry), this user's SSO errors and the organization's. With no connection and no SSO event it says
/// "not used here". The SSO feature fills <see cref="ITroubleshootingFacts.FindSsoHealthAsync"/> (or adds
/// its own check) and this check starts to speak.
/// </summary>
public sealed class SsoCheck : ITroubleshootingCheck
{
    public int Step => TroubleshootingSteps.EvaluateSignOnMethod;

    public string Name => "sso";

    public int Order => 1;

    public ValueTask<CheckFinding> RunAsync(TroubleshootingContext context, CancellationToken cancellationToken)
    {
        var own = context.Story.Where(e => TroubleshootingContext.ReasonOf(e).Category == ReasonCategory.Sso || e.SsoConnectionId is not null).ToList();
        if (context.SsoHealth.Count == 0 && own.Count == 0 && context.OrganizationSsoFailures.Count == 0)
        {
            return ValueTask.FromResult(CheckFinding.NotUsedHere(Name, "No SSO connection for these practices and no SSO attempt: SSO is not used here."));
        }

        var evidence = new List<string>();
        var candidates = new List<string>();
        foreach (var organization in context.Organizations)
        {
            if (!context.SsoHealth.TryGetValue(organization.Id, out var health))
            {
                continue;
            }

            evidence.Add($"{organization.Name} signs in through SSO connection {health.ConnectionId}{(health.Required ? " (required: passwords are refused)" : "")}.");
            if (health.Reachable == false)
            {
                candidates.Add(ReasonCodes.SsoProviderUnreachable);
                evidence.Add($"Its identity provider was unreachable at {(health.CheckedAt is { } at ? Evidence.Utc(at) : "the last check")}{(health.Problem is null ? "" : ": " + health.Problem)}.");
            }

            if (health.SigningKeysValid == false || health.CertificateExpiresAt <= context.Now)
            {
                candidates.Add(ReasonCodes.SsoSignatureInvalid);
                evidence.Add(health.CertificateExpiresAt <= context.Now
                    ? $"Its signing certificate expired at {Evidence.Utc(health.CertificateExpiresAt!.Value)}."
                    : "Its signing keys do not verify (rotated without updating the connection?).");
            }
            else if (health.CertificateExpiresAt is { } expires)
            {
                evidence.Add($"Its signing certificate is valid until {Evidence.Utc(expires)}.");
            }

            // Reachable, keys fine, yet a check failed: the provider answers wrongly (bad metadata, issuer mismatch).
            if (health.Reachable != false && health.SigningKeysValid != false && health.Problem is { } problem)
            {
                candidates.Add(ReasonCodes.SsoProviderMisconfigured);
                evidence.Add($"Its last health check at {(health.CheckedAt is { } checkedAt ? Evidence.Utc(checkedAt) : "an unknown time")} failed: {problem}");
            }
            else if (health.SigningKeysValid == false && health.Problem is { } keyProblem)
            {
                evidence.Add($"Its last health check said: {keyProblem}");
            }
            else if (health.CheckedAt is null)
            {
                evidence.Add("Its health has not been checked yet.");
            }
            else if (health.Reachable == true && health.Problem is null)
            {
                evidence.Add($"It passed its last health check at {Evidence.Utc(health.CheckedAt.Value)} (reachable, signing keys published).");
            }
        }

        foreach (var group in own.Where(e => !e.Succeeded).GroupBy(e => e.ReasonCode))
        {
            evidence.Add($"This user: {group.Key} {group.Count()}×, the last at {Evidence.Utc(group.Last().OccurredAt)}.");
        }

        // Users are counted as the escalation engine counts them (SsoMisconfigurationRule.UserKey: the account,
        // else the identifier typed, else the address), over the reasons that count for its rule, so this line and
        // the organization's incident never disagree about how many people failed.
        var options = context.Escalation;
        foreach (var organization in context.OrganizationSsoFailures.GroupBy(e => e.OrganizationId))
        {
            var counting = organization.Where(e => SsoMisconfigurationRule.Counts(e, options)).ToList();
            var users = counting.Select(SsoMisconfigurationRule.UserKey).Distinct(StringComparer.Ordinal).Count();
            var name = context.Organizations.FirstOrDefault(o => o.Id == organization.Key)?.Name ?? organization.Key?.ToString() ?? "?";
            var codes = string.Join(", ", organization.Select(e => e.ReasonCode).Distinct());
            evidence.Add($"{name}: {Evidence.Count(users, "user")} failed SSO in range with errors that count toward the organization-level rule ({codes}).");
            if (context.Focus is { } focus && focus.OrganizationId == organization.Key && SsoMisconfigurationRule.Counts(focus, options))
            {
                var near = SsoMisconfigurationRule.UsersAt(focus, context.RuleHistory, options);
                evidence.Add($"{name}: {Evidence.Count(near, "user")} within {options.SsoWindow.TotalMinutes:0} minutes up to this attempt; the organization-level rule needs {options.SsoUsers}.");
            }
        }

        return candidates.Count > 0 || own.Any(e => !e.Succeeded)
            ? ValueTask.FromResult(CheckFinding.Problem(Name, candidates, [.. evidence]))
            : ValueTask.FromResult(CheckFinding.Ok(Name, [.. evidence]));
    }
}

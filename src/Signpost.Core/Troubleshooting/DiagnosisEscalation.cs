using Signpost.Core.Escalation;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.Troubleshooting.Checks;

namespace Signpost.Core.Troubleshooting;

/// <summary>Whether, to whom and why a diagnosis recommends escalating.</summary>
/// <param name="Escalate">True when a rule fired.</param>
/// <param name="Targets">Who to tell; empty when not escalating.</param>
/// <param name="RuleId">The rule that fired, e.g. <c>network.every_network</c>; null when none did.</param>
/// <param name="Explanation">One sentence for support: why, or why not.</param>
/// <param name="When">The catalogue's "when to escalate" for the root cause, for a person to judge what the facts cannot show.</param>
public sealed record EscalationRecommendation(bool Escalate, IReadOnlyList<EscalationTarget> Targets, string? RuleId, string Explanation, string? When)
{
    public static EscalationRecommendation None(string explanation, string? when) => new(false, [], null, explanation, when);
}

/// <summary>
/// The SPEC §6 escalation table applied to one diagnosis, plus the catalogue's "always" entries (a hold for
/// review; an organization-wide SSO fault). Pure: the same context and root cause give the same answer, so
/// the incidents engine can call it on any event. The first rule that fires decides.
/// </summary>
public static class DiagnosisEscalation
{
    public const string ResetsFail = "invalid_credentials.resets_fail";
    public const string PersistsAfterReset = "invalid_credentials.persists_after_reset";
    public const string FlaggedAlways = "account_flagged.always";
    public const string SsoOrganization = "sso.organization_fault";
    public const string SsoSeveralUsers = "sso.several_users";
    public const string BrowserAfterUpdate = "browser.reappears_after_update";
    public const string EveryNetwork = "network.every_network";

    /// <summary>SPEC §6 "SSO errors for several users of the same organization".</summary>
    public const int SeveralUsers = 2;

    public static EscalationRecommendation Recommend(TroubleshootingContext context, string? rootCause)
    {
        if (rootCause is null || !ReasonCatalogue.TryGet(rootCause, out var reason))
        {
            return EscalationRecommendation.None("Nothing failed, so there is nothing to escalate.", null);
        }

        var when = reason.Escalation;
        var fired = reason.Category switch
        {
            ReasonCategory.Credentials => Credentials(context),
            ReasonCategory.AccountState => AccountState(context, rootCause),
            ReasonCategory.Sso => Sso(context, rootCause),
            ReasonCategory.NetworkAndDevice => NetworkAndDevice(context, rootCause),
            ReasonCategory.Success when rootCause == ReasonCodes.SignedInBrowserWarning => BrowserUpdated(context),
            _ => null,
        };
        return fired is { } f
            ? new EscalationRecommendation(true, f.Targets, f.RuleId, f.Explanation, when)
            : EscalationRecommendation.None($"No escalation rule applies yet. The catalogue says: {when}", when);
    }

    private sealed record Fired(string RuleId, IReadOnlyList<EscalationTarget> Targets, string Explanation);

    private static Fired? Credentials(TroubleshootingContext context)
    {
        var reference = context.Focus?.OccurredAt ?? context.Now;
        var failedResets = context.Events.Where(e => ResetCheck.IsFailedReset(e) && e.OccurredAt <= reference).ToList();
        for (var i = 1; i < failedResets.Count; i++)
        {
            if (failedResets[i].OccurredAt - failedResets[i - 1].OccurredAt <= ResetCheck.Window)
            {
                return new Fired(ResetsFail, [EscalationTarget.PayerSupport],
                    $"Resets failed repeatedly within 15 minutes ({failedResets[i - 1].ReasonCode} at {Evidence.Utc(failedResets[i - 1].OccurredAt)}, {failedResets[i].ReasonCode} at {Evidence.Utc(failedResets[i].OccurredAt)}).");
            }
        }

        var reset = context.Events.LastOrDefault(e => e.ReasonCode == ReasonCodes.PasswordReset && e.OccurredAt <= reference);
        var after = reset is null ? null : context.Events.LastOrDefault(e =>
            e.OccurredAt > reset.OccurredAt && e.OccurredAt <= reference && TroubleshootingContext.IsSignIn(e) && e.ReasonCode == ReasonCodes.InvalidCredentials);
        if (reset is not null && after is not null && !context.Events.Any(e => e.OccurredAt > after.OccurredAt && e.Succeeded && TroubleshootingContext.IsSignIn(e)))
        {
            return new Fired(PersistsAfterReset, [EscalationTarget.PayerSupport],
                $"Sign-in still fails ({after.ReasonCode} at {Evidence.Utc(after.OccurredAt)}) after the reset completed at {Evidence.Utc(reset.OccurredAt)}.");
        }

        return null;
    }

    private static Fired? AccountState(TroubleshootingContext context, string rootCause)
    {
        if (rootCause == ReasonCodes.AccountFlagged)
        {
            return new Fired(FlaggedAlways, [EscalationTarget.PayerSupport], "An account held for review is always payer support's: they verify the person and lift the hold.");
        }

        if (rootCause != ReasonCodes.AccountLocked || context.Account is not { } account)
        {
            return null;
        }

        var organizations = account.Memberships.Where(m => m.GivesAccess).Select(m => m.OrganizationId).ToList();
        foreach (var counter in context.LockoutCounters)
        {
            var decision = LockOutlastsMaintenanceRule.Evaluate(
                new LockFacts(account.Id, account.Username, account.DisplayName, organizations, counter, context.Windows), context.Now);
            if (decision.Fired)
            {
                return new Fired(decision.RuleId, [LockOutlastsMaintenanceRule.Target], decision.Explanation);
            }
        }

        return null;
    }

    private static Fired? Sso(TroubleshootingContext context, string rootCause)
    {
        IReadOnlyList<EscalationTarget> targets = [EscalationTarget.PlatformOperators, EscalationTarget.PracticeAdmins];
        if (rootCause is ReasonCodes.SsoProviderMisconfigured or ReasonCodes.SsoSignatureInvalid)
        {
            return new Fired(SsoOrganization, targets, $"{rootCause} is a fault of the organization's connection: one organization-level incident, whoever reports it.");
        }

        var several = context.OrganizationSsoFailures
            .Where(e => e.OrganizationId is not null && e.AccountId is not null)
            .GroupBy(e => e.OrganizationId)
            .Select(g => (Organization: g.Key, Users: g.Select(e => e.AccountId).Distinct().Count()))
            .Where(g => g.Users >= SeveralUsers)
            .OrderByDescending(g => g.Users)
            .FirstOrDefault();
        if (several.Organization is not { } organization)
        {
            return null;
        }

        var name = context.Organizations.FirstOrDefault(o => o.Id == organization)?.Name ?? $"organization {organization}";
        return new Fired(SsoSeveralUsers, targets, $"{several.Users} users of {name} failed SSO in range: one organization-level incident; further failures attach to it.");
    }

    private static Fired? NetworkAndDevice(TroubleshootingContext context, string rootCause) => rootCause switch
    {
        ReasonCodes.NetworkNotAllowed or ReasonCodes.RateLimited => EveryNetworkFails(context),
        ReasonCodes.BrowserUnsupported => BrowserUpdated(context),
        _ => null,
    };

    private static Fired? EveryNetworkFails(TroubleshootingContext context)
    {
        var failures = context.StoryFailures.Where(TroubleshootingContext.IsSignIn).ToList();
        var networks = failures.Select(Evidence.NetworkOf).Distinct().ToList();
        if (networks.Count < 2 || failures.Count == 0)
        {
            return null;
        }

        var since = failures[0].OccurredAt;
        if (context.Events.Any(e => e.OccurredAt >= since && e.Succeeded && TroubleshootingContext.IsSignIn(e)))
        {
            return null;
        }

        return new Fired(EveryNetwork, [EscalationTarget.PayerSupport], $"The user failed from every network tried ({string.Join(", ", networks)}).");
    }

    /// <summary>A failure from an unsupported browser, then a failure again from the same family at a newer version.</summary>
    private static Fired? BrowserUpdated(TroubleshootingContext context)
    {
        var attempts = context.Events.Where(TroubleshootingContext.IsSignIn).ToList();
        foreach (var old in attempts.Where(e => e.BrowserSupported == false))
        {
            var updated = attempts.FirstOrDefault(e => e.OccurredAt > old.OccurredAt && e.Browser == old.Browser
                && Evidence.MajorVersion(e) > Evidence.MajorVersion(old) && (!e.Succeeded || e.ReasonCode == ReasonCodes.SignedInBrowserWarning));
            if (updated is not null)
            {
                return new Fired(BrowserAfterUpdate, [EscalationTarget.PayerSupport],
                    $"The failure reappeared after the browser was updated ({Evidence.BrowserOf(old)} → {Evidence.BrowserOf(updated)}, {updated.ReasonCode}).");
            }
        }

        return null;
    }

    /// <summary>True for a failed SSO attempt (organization-wide counting reads these).</summary>
    public static bool IsSsoFailure(SignInEvent e) => !e.Succeeded && TroubleshootingContext.ReasonOf(e).Category == ReasonCategory.Sso;
}

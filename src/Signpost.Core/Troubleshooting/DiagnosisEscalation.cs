using Signpost.Core.Escalation;
using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Core.Troubleshooting;

/// <summary>Whether, to whom and why a diagnosis recommends escalating.</summary>
/// <param name="Escalate">True when a rule fired.</param>
/// <param name="Targets">Who to tell; empty when not escalating.</param>
/// <param name="RuleId">The rule that fired: an escalation engine rule ID (e.g. <c>network.every_network_fails</c>) or a catalogue <c>*.always</c> case; null when none did.</param>
/// <param name="Explanation">One sentence for support: why, or why not.</param>
/// <param name="When">The catalogue's "when to escalate" for the root cause, for a person to judge what the facts cannot show.</param>
public sealed record EscalationRecommendation(bool Escalate, IReadOnlyList<EscalationTarget> Targets, string? RuleId, string Explanation, string? When)
{
    public static EscalationRecommendation None(string explanation, string? when) => new(false, [], null, explanation, when);
}

/// <summary>
/// Whether a diagnosis recommends escalating. It does not judge the docs/design.md §6 table itself: it asks the
/// escalation engine's own rule functions (<see cref="InvalidCredentialsRules"/>, <see cref="LockOutlastsMaintenanceRule"/>,
/// <see cref="SsoMisconfigurationRule"/>, <see cref="BrowserUpdateRule"/>, <see cref="EveryNetworkFailsRule"/>) with the
/// same <see cref="EscalationOptions"/> (<see cref="TroubleshootingContext.Escalation"/>), so that a diagnosis says
/// "escalate" exactly when the engine fired, or would fire, on the same events — two readings of one table
/// would disagree and drift.
/// </summary>
/// <remarks>
/// <para>
/// What "the same events" means: each attempt of the current story (<see cref="TroubleshootingContext.Story"/>:
/// after the last successful sign-in, up to the diagnosed attempt) is played as the engine's trigger, against
/// <see cref="TroubleshootingContext.RuleHistory"/>, just as the engine evaluated it when it was written. Later
/// attempts do not count: a trace is diagnosed as things stood at that attempt. For SSO the trigger must be the
/// account's own SSO error, so that another user's incident never lands on someone whose password was wrong.
/// The lock rule runs on the engine's timer rather than on an event; here it is judged at the diagnosis's now.
/// </para>
/// <para>
/// On top of the engine, the troubleshooter keeps the catalogue's "always" cases, which no event rule can see
/// because they come from the account's or the connection's state, not from the event stream: an account held
/// for review (<see cref="FlaggedAlways"/>, which comes first), and a root cause of a misconfigured SSO connection
/// or an invalid signature (<see cref="SsoAlways"/>, which comes only when no engine rule fired: once several users
/// failed, the diagnosis names the engine's organization-level rule, as the incident does). These are
/// recommendations for a person; the engine raises no incident for them. A successful attempt recommends nothing.
/// </para>
/// Pure: the same context and root cause give the same answer.
/// </remarks>
public static class DiagnosisEscalation
{
    /// <summary>Catalogue "always": an account held for review is payer support's. Not an engine rule.</summary>
    public const string FlaggedAlways = "account_flagged.always";

    /// <summary>Catalogue "always, once per organization": the connection itself is at fault. Not an engine rule.</summary>
    public const string SsoAlways = "sso_misconfiguration.always";

    private static readonly IReadOnlyList<EscalationTarget> OrganizationTargets = [EscalationTarget.PlatformOperators, EscalationTarget.PracticeAdmins];

    public static EscalationRecommendation Recommend(TroubleshootingContext context, string? rootCause)
    {
        if (rootCause is null || !ReasonCatalogue.TryGet(rootCause, out var reason))
        {
            return EscalationRecommendation.None("Nothing failed, so there is nothing to escalate.", null);
        }

        var when = reason.Escalation;
        if (reason.IsSuccess)
        {
            return EscalationRecommendation.None("The attempt succeeded: nothing to escalate now.", when);
        }

        // A hold is payer support's whatever else happened. Otherwise the engine's rules come first: when the
        // engine opened (or would open) the organization's SSO incident, the diagnosis names that incident's
        // rule, not the catalogue's "always" — support must find the incident the diagnosis points at.
        var fired = Flagged(rootCause) ?? EngineRules(context) ?? SsoConnectionFault(rootCause);
        return fired is { } f
            ? new EscalationRecommendation(true, f.Targets, f.RuleId, f.Explanation, when)
            : EscalationRecommendation.None($"No escalation rule fired on these events. The catalogue says: {when}", when);
    }

    private sealed record Fired(string RuleId, IReadOnlyList<EscalationTarget> Targets, string Explanation);

    private static Fired? Flagged(string rootCause) => rootCause == ReasonCodes.AccountFlagged
        ? new Fired(FlaggedAlways, [EscalationTarget.PayerSupport],
            "An account held for review is always payer support's: they verify the person and lift the hold.")
        : null;

    /// <summary>The catalogue's "always" for a connection fault that no engine rule has fired on yet (one user so far).</summary>
    private static Fired? SsoConnectionFault(string rootCause) => rootCause is ReasonCodes.SsoProviderMisconfigured or ReasonCodes.SsoSignatureInvalid
        ? new Fired(SsoAlways, OrganizationTargets,
            $"{rootCause} is a fault of the organization's connection: one organization-level incident, whoever reports it (no engine rule has fired yet).")
        : null;

    /// <summary>The engine's rules, in the docs/design.md §6 table's order; for each, the latest attempt of the story it fires on.</summary>
    private static Fired? EngineRules(TroubleshootingContext context)
    {
        var options = context.Escalation;
        var history = context.RuleHistory;
        var triggers = context.Story.Where(e => !e.Succeeded).Reverse().ToList();
        Func<SignInEvent, RuleFiring?>[] eventRules =
        [
            t => InvalidCredentialsRules.ResetFailures(t, history, options),
            t => InvalidCredentialsRules.AfterReset(t, history, options),
        ];
        Func<SignInEvent, RuleFiring?>[] laterRules =
        [
            t => SsoMisconfigurationRule.Evaluate(t, history, options),
            t => BrowserUpdateRule.Evaluate(t, history, options),
            t => EveryNetworkFailsRule.Evaluate(t, history, options),
        ];
        return FirstFiring(eventRules, triggers, context) ?? Lock(context) ?? FirstFiring(laterRules, triggers, context);
    }

    private static Fired? FirstFiring(IEnumerable<Func<SignInEvent, RuleFiring?>> rules, IReadOnlyList<SignInEvent> triggers, TroubleshootingContext context)
    {
        foreach (var rule in rules)
        {
            foreach (var trigger in triggers)
            {
                if (rule(trigger) is { } firing)
                {
                    // Support reads practices by name; the engine's sentence only knows the organization's ID.
                    var practice = firing.AccountId is null && context.Organizations.FirstOrDefault(o => o.Id == firing.OrganizationId) is { } organization
                        ? $" Practice: {organization.Name}."
                        : "";
                    return new Fired(firing.RuleId, firing.Targets, firing.Explanation + practice);
                }
            }
        }

        return null;
    }

    /// <summary><see cref="LockOutlastsMaintenanceRule"/> over the account's locks, as <see cref="LockEscalations"/> runs it.</summary>
    private static Fired? Lock(TroubleshootingContext context)
    {
        if (context.Account is not { } account)
        {
            return null;
        }

        var organizations = account.Memberships.Where(m => m.GivesAccess).Select(m => m.OrganizationId).ToList();
        foreach (var counter in context.LockoutCounters.Where(c => c.AccountId != Guid.Empty))
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
}

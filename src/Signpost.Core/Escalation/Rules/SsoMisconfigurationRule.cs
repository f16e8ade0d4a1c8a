using Signpost.Core.Events;

namespace Signpost.Core.Escalation.Rules;

/// <summary>
/// docs/design.md §6, "SSO misconfiguration: SSO errors for several users of the same organization → one
/// organization-level incident to platform operators and the practice admins; further failures attach to
/// it, no duplicates". One user's SSO error may be theirs; several users' errors point at the connection.
/// </summary>
/// <remarks>
/// A user is the resolved account, else the identifier as typed (case-insensitive), else the client address:
/// an SSO error can come before the provider told us who the person is. Which reasons count is
/// <see cref="EscalationOptions.SsoReasonCodes"/>. The open incident's key (rule + organization) is unique in
/// the database, so several nodes seeing the threshold at once still make one incident.
/// </remarks>
public static class SsoMisconfigurationRule
{
    public const string Id = "sso_misconfiguration.organization";

    /// <summary>True when the event is an SSO error of an organization that counts for this rule (and attaches to its incident).</summary>
    public static bool Counts(SignInEvent e, EscalationOptions options) =>
        !e.Succeeded && e.OrganizationId is not null && options.SsoReasonCodes.Contains(e.ReasonCode, StringComparer.Ordinal);

    /// <summary>Fires when distinct users with counting SSO errors in [trigger − window, trigger] reach <see cref="EscalationOptions.SsoUsers"/>.</summary>
    public static RuleFiring? Evaluate(SignInEvent trigger, IReadOnlyList<SignInEvent> history, EscalationOptions options)
    {
        if (!Counts(trigger, options) || trigger.OrganizationId is not { } organizationId)
        {
            return null;
        }

        var failures = Counting(trigger, organizationId, history, options);
        var users = failures.GroupBy(UserKey, StringComparer.Ordinal).ToList();
        if (users.Count < options.SsoUsers)
        {
            return null;
        }

        return new RuleFiring(Id, "SSO failing for several users of one organization",
            [EscalationTarget.PlatformOperators, EscalationTarget.PracticeAdmins],
            RuleFiring.OrganizationSubject(organizationId), InvalidCredentialsRules.Bucket(failures[0].OccurredAt, options.SsoWindow),
            null, organizationId,
            $"{users.Count} users of the organization had SSO errors within {options.SsoWindow.TotalMinutes:0} minutes ({string.Join(", ", failures.Select(f => f.ReasonCode).Distinct())}).",
            [.. users.Select(g => EvidenceEvent.Of(g.First()))]);
    }

    /// <summary>
    /// The rule for an event that has just arrived and for every later counting event of its organization already
    /// written: the first firing, with the event it fired on. Several people's SSO starts run at once, and their
    /// events commit in no fixed order, so an event later in time may have been evaluated before this one was
    /// written and missed it (docs/incidents.md, "Events that commit out of order"). <paramref name="history"/> holds
    /// the organization's events in [arrived − window, arrived + window]. Each candidate is judged on its own window,
    /// exactly as <see cref="Evaluate"/> would judge it once every event is written, so the live path fires what the
    /// sweep would, only sooner.
    /// </summary>
    public static (RuleFiring Firing, SignInEvent Trigger)? EvaluateArrival(SignInEvent arrived, IReadOnlyList<SignInEvent> history, EscalationOptions options)
    {
        if (!Counts(arrived, options) || arrived.OrganizationId is not { } organizationId)
        {
            return null;
        }

        var counting = history.Where(e => e.OrganizationId == organizationId && Counts(e, options)).ToList();
        if (counting.Select(UserKey).Distinct(StringComparer.Ordinal).Count() < options.SsoUsers)
        {
            return null; // not enough users in the whole span for any window in it (the common case: one read, no loop)
        }

        var candidates = counting.Where(e => e.Id == arrived.Id || e.OccurredAt > arrived.OccurredAt || (e.OccurredAt == arrived.OccurredAt && e.Id > arrived.Id))
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.Id);
        foreach (var trigger in candidates)
        {
            if (Evaluate(trigger, history, options) is { } firing)
            {
                return (firing, trigger);
            }
        }

        return null;
    }

    /// <summary>
    /// Distinct users with counting SSO errors of the trigger's organization in [trigger − window, trigger]:
    /// what <see cref="Evaluate"/> compares with <see cref="EscalationOptions.SsoUsers"/>, for the diagnosis to show.
    /// </summary>
    public static int UsersAt(SignInEvent trigger, IReadOnlyList<SignInEvent> history, EscalationOptions options) =>
        !Counts(trigger, options) || trigger.OrganizationId is not { } organizationId
            ? 0
            : Counting(trigger, organizationId, history, options).Select(UserKey).Distinct(StringComparer.Ordinal).Count();

    private static List<SignInEvent> Counting(SignInEvent trigger, Guid organizationId, IReadOnlyList<SignInEvent> history, EscalationOptions options) =>
        [.. RuleEvents.Between(history, trigger, trigger.OccurredAt - options.SsoWindow).Where(e => e.OrganizationId == organizationId && Counts(e, options))];

    /// <summary>Who failed: the account, else the identifier as typed, else the address.</summary>
    public static string UserKey(SignInEvent e) =>
        e.AccountId is { } id ? $"account:{id:N}"
        : !string.IsNullOrWhiteSpace(e.Identifier) ? $"identifier:{e.Identifier.Trim().ToUpperInvariant()}"
        : $"ip:{e.ClientIp}";
}

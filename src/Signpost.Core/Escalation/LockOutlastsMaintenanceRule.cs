using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;

namespace Signpost.Core.Escalation;

/// <summary>The facts the rule reads about one lock: the account, the lockout counter, and the windows around it.</summary>
/// <param name="AccountId">The locked account.</param>
/// <param name="Username">Its username (provider ID), for the ticket.</param>
/// <param name="DisplayName">Its display name, for the ticket.</param>
/// <param name="OrganizationIds">The practices it belongs to (active memberships), to tell which SSO windows concern it.</param>
/// <param name="Lock">The lockout counter that holds the lock.</param>
/// <param name="Windows">Maintenance windows that may have met the lock; cancelled and unrelated ones are ignored.</param>
public sealed record LockFacts(
    Guid AccountId,
    string Username,
    string DisplayName,
    IReadOnlyCollection<Guid> OrganizationIds,
    LockoutCounter Lock,
    IReadOnlyList<MaintenanceWindow> Windows);

/// <summary>Evidence for "the lock persists beyond the maintenance window it coincided with".</summary>
/// <param name="AccountId">The locked account.</param>
/// <param name="Username">Its username (provider ID).</param>
/// <param name="DisplayName">Its display name.</param>
/// <param name="DeviceKey"><see cref="LockoutCounter.UntrustedKey"/> (every untrusted browser) or a trusted device's ID.</param>
/// <param name="LockStartedAt">The failure that set the lock.</param>
/// <param name="LockedUntil">When the lock ends by itself.</param>
/// <param name="Window">The window the lock coincided with.</param>
/// <param name="WindowEndedAt">When that window stopped being in force: its planned end, or its close if earlier.</param>
/// <param name="Target">Where the escalation goes: payer support.</param>
public sealed record LockOutlastsMaintenanceEvidence(
    Guid AccountId,
    string Username,
    string DisplayName,
    string DeviceKey,
    DateTimeOffset LockStartedAt,
    DateTimeOffset LockedUntil,
    MaintenanceWindow Window,
    DateTimeOffset WindowEndedAt,
    EscalationTarget Target);

/// <summary>
/// docs/design.md §6, "account locked: the lock persists beyond the maintenance window it coincided with → payer
/// support". A user who was locked around planned downtime expects to get in once it is over; when the
/// lock still holds after the window, the downtime did not explain it and a person should look.
/// <list type="bullet">
/// <item>Coincided: the lock's span [start, end) overlaps the window's span [start, end) where the window's
/// end is its planned end or its close, whichever came first; cancelled windows never happened.</item>
/// <item>Persists beyond: the window is over at <c>now</c> and the lock still holds at <c>now</c>, and no
/// other window that concerns the account is in force (then the downtime still explains it).</item>
/// <item>A window concerns the account when it blocks everyone (portal, sign-in) or is the SSO window of
/// one of its practices.</item>
/// </list>
/// Pure: the same facts and instant give the same decision, so a rule engine can run it on any event.
/// </summary>
public static class LockOutlastsMaintenanceRule
{
    public const string Id = "account_locked.outlasts_maintenance";

    public const EscalationTarget Target = EscalationTarget.PayerSupport;

    public static EscalationDecision<LockOutlastsMaintenanceEvidence> Evaluate(LockFacts facts, DateTimeOffset now)
    {
        var counter = facts.Lock;
        if (counter.LockedUntil is not { } lockedUntil || lockedUntil <= now)
        {
            return EscalationDecision<LockOutlastsMaintenanceEvidence>.NotFired(Id, "The account is not locked now.");
        }

        if (LockStart(counter) is not { } lockStart)
        {
            return EscalationDecision<LockOutlastsMaintenanceEvidence>.NotFired(Id, "The lock's start is not known (it was set by hand), so it cannot be matched to a window.");
        }

        var concerning = facts.Windows
            .Where(w => !w.IsCancelled && w.StartsAt < EffectiveEnd(w)
                && (w.BlocksPasswordSignIn || facts.OrganizationIds.Any(id => w.Concerns(id))))
            .ToList();
        if (concerning.Any(w => w.IsInForce(now)))
        {
            return EscalationDecision<LockOutlastsMaintenanceEvidence>.NotFired(Id, "Maintenance that concerns the account is in force now.");
        }

        var coincided = concerning
            .Where(w => lockStart < EffectiveEnd(w) && lockedUntil > w.StartsAt && EffectiveEnd(w) <= now)
            .OrderByDescending(EffectiveEnd)
            .FirstOrDefault();
        if (coincided is null)
        {
            return EscalationDecision<LockOutlastsMaintenanceEvidence>.NotFired(Id, "The lock did not coincide with a maintenance window that has ended.");
        }

        var ended = EffectiveEnd(coincided);
        var evidence = new LockOutlastsMaintenanceEvidence(
            facts.AccountId, facts.Username, facts.DisplayName, counter.DeviceKey, lockStart, lockedUntil, coincided, ended, Target);
        return EscalationDecision<LockOutlastsMaintenanceEvidence>.Fire(Id,
            $"Locked since {lockStart:O} until {lockedUntil:O}; the {coincided.Scope} maintenance window {coincided.Id} it coincided with ended at {ended:O}.",
            evidence);
    }

    /// <summary>
    /// When the lock began: the failure that set it (no failure is counted while locked, so the last one
    /// is the locking one). Unknown for a lock set by hand, which records its end there instead.
    /// </summary>
    public static DateTimeOffset? LockStart(LockoutCounter counter) =>
        counter.LastFailureAt is { } last && counter.LockedUntil is { } until && last < until ? last : null;

    /// <summary>When a window stopped being in force: the planned end, or the close when operators closed it early.</summary>
    public static DateTimeOffset EffectiveEnd(MaintenanceWindow window) =>
        window.ClosedAt is { } closed && closed < window.EndsAt ? closed : window.EndsAt;
}

using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Core.Escalation.Rules;

/// <summary>
/// docs/design.md §6, "invalid credentials: resets fail repeatedly within 15 minutes, or the error persists after a
/// completed reset → payer support". Two rules, because the evidence and the help differ.
/// </summary>
public static class InvalidCredentialsRules
{
    public const string ResetFailuresId = "invalid_credentials.reset_failures";

    public const string AfterResetId = "invalid_credentials.after_reset";

    /// <summary>
    /// Fires when the account's failed reset steps (a link refused as invalid, expired or used, a new
    /// password refused) within [trigger − window, trigger] reach <see cref="EscalationOptions.ResetFailures"/>.
    /// A failure exactly one window before the trigger still counts ("within 15 minutes").
    /// </summary>
    public static RuleFiring? ResetFailures(SignInEvent trigger, IReadOnlyList<SignInEvent> history, EscalationOptions options)
    {
        if (trigger.AccountId is not { } accountId || !IsFailedReset(trigger))
        {
            return null;
        }

        var failures = RuleEvents.Between(history, trigger, trigger.OccurredAt - options.ResetFailureWindow)
            .Where(e => e.AccountId == accountId && IsFailedReset(e)).ToList();
        if (failures.Count < options.ResetFailures)
        {
            return null;
        }

        // The window starts at the first failure of the run; the run is one firing however long it grows.
        var first = failures[0].OccurredAt;
        var windowStart = Bucket(first, options.ResetFailureWindow);
        return new RuleFiring(ResetFailuresId, "Password resets keep failing", [EscalationTarget.PayerSupport],
            RuleFiring.AccountSubject(accountId), windowStart, accountId, trigger.OrganizationId,
            $"{failures.Count} reset steps failed within {options.ResetFailureWindow.TotalMinutes:0} minutes ({string.Join(", ", failures.Select(f => f.ReasonCode).Distinct())}).",
            [.. failures.Select(EvidenceEvent.Of)]);
    }

    /// <summary>
    /// Fires when, after the account's last completed reset, <see cref="EscalationOptions.FailuresAfterReset"/>
    /// wrong-password failures follow within <see cref="EscalationOptions.AfterResetWindow"/> of it (the
    /// boundary counts). One firing per completed reset.
    /// </summary>
    public static RuleFiring? AfterReset(SignInEvent trigger, IReadOnlyList<SignInEvent> history, EscalationOptions options)
    {
        if (trigger.AccountId is not { } accountId || trigger.Succeeded || trigger.ReasonCode != ReasonCodes.InvalidCredentials)
        {
            return null;
        }

        var events = RuleEvents.Between(history, trigger, trigger.OccurredAt - options.AfterResetWindow).Where(e => e.AccountId == accountId).ToList();
        var reset = events.LastOrDefault(e => e.Method == SignInMethod.PasswordReset && e.Succeeded && e.ReasonCode == ReasonCodes.PasswordReset);
        if (reset is null)
        {
            return null;
        }

        var after = events.Where(e => (e.OccurredAt > reset.OccurredAt || (e.OccurredAt == reset.OccurredAt && e.Id > reset.Id))
            && !e.Succeeded && e.ReasonCode == ReasonCodes.InvalidCredentials).ToList();
        if (after.Count < options.FailuresAfterReset)
        {
            return null;
        }

        return new RuleFiring(AfterResetId, "Wrong password persists after a completed reset", [EscalationTarget.PayerSupport],
            RuleFiring.AccountSubject(accountId), reset.OccurredAt, accountId, trigger.OrganizationId,
            $"The password was reset at {reset.OccurredAt:O} and {after.Count} sign-ins failed as invalid credentials after it.",
            [EvidenceEvent.Of(reset), .. after.Select(EvidenceEvent.Of)]);
    }

    private static bool IsFailedReset(SignInEvent e) => e.Method == SignInMethod.PasswordReset && !e.Succeeded;

    /// <summary>The start of the fixed window of this length that holds <paramref name="at"/>: equal facts, equal key.</summary>
    internal static DateTimeOffset Bucket(DateTimeOffset at, TimeSpan length) =>
        DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds() - (at.ToUnixTimeMilliseconds() % (long)length.TotalMilliseconds));
}

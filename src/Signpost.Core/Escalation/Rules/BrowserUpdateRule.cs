using System.Globalization;
using Signpost.Core.Events;

namespace Signpost.Core.Escalation.Rules;

/// <summary>
/// docs/design.md §6, "browser compatibility: the failure reappears after the user updated the browser → payer
/// support". Updating is the first thing a user is told to do; when the same account fails again for a
/// browser reason in the same browser family at a higher version, updating did not fix it.
/// </summary>
public static class BrowserUpdateRule
{
    public const string Id = "browser.reappears_after_update";

    /// <summary>
    /// Fires on a browser-reason failure when the same account had a browser-reason failure in the same
    /// family at a lower major.minor version within <see cref="EscalationOptions.BrowserWindow"/> (boundary counts).
    /// </summary>
    public static RuleFiring? Evaluate(SignInEvent trigger, IReadOnlyList<SignInEvent> history, EscalationOptions options)
    {
        if (trigger.AccountId is not { } accountId || !IsBrowserFailure(trigger, options) || Parse(trigger.BrowserVersion) is not { } version)
        {
            return null;
        }

        var before = RuleEvents.Between(history, trigger, trigger.OccurredAt - options.BrowserWindow)
            .Where(e => e.AccountId == accountId && e.Id != trigger.Id && IsBrowserFailure(e, options)
                && string.Equals(e.Browser, trigger.Browser, StringComparison.OrdinalIgnoreCase)
                && Parse(e.BrowserVersion) is { } older && older < version)
            .ToList();
        if (before.Count == 0)
        {
            return null;
        }

        var last = before[^1];
        return new RuleFiring(Id, "Browser failure persists after a browser update", [EscalationTarget.PayerSupport],
            string.Create(CultureInfo.InvariantCulture, $"{RuleFiring.AccountSubject(accountId)}/{trigger.Browser}/{version}"),
            InvalidCredentialsRules.Bucket(trigger.OccurredAt, options.BrowserWindow), accountId, trigger.OrganizationId,
            $"{trigger.Browser} failed at version {last.BrowserVersion} ({last.ReasonCode}) and again at {trigger.BrowserVersion} ({trigger.ReasonCode}).",
            [EvidenceEvent.Of(last), EvidenceEvent.Of(trigger)]);
    }

    private static bool IsBrowserFailure(SignInEvent e, EscalationOptions options) =>
        !e.Succeeded && e.Browser is not null && options.BrowserReasonCodes.Contains(e.ReasonCode, StringComparer.Ordinal);

    /// <summary>A version as major.minor; "120.0.6099.109" and "17.2" both read; anything else is unknown.</summary>
    public static Version? Parse(string? version)
    {
        if (string.IsNullOrWhiteSpace(version))
        {
            return null;
        }

        var parts = version.Split('.', 3);
        return int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            ? new Version(major, parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor) ? minor : 0)
            : null;
    }
}

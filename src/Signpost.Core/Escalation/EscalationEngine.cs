using Microsoft.Extensions.Options;
using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Incidents;

namespace Signpost.Core.Escalation;

/// <summary>What evaluating one event did: which rules fired and what became of each firing, and whether it joined an open incident.</summary>
public sealed record EvaluationResult(long EventId, IReadOnlyList<(RuleFiring Firing, RaiseResult Result)> Firings, Incident? AttachedTo);

/// <summary>
/// docs/design.md §6 on the event stream: evaluates the rules for one event just written, against the events around
/// it in the database, and turns firings into incidents. Pure rules, deterministic windows (anchored to the
/// event's own time, not the clock), and unique keys make it idempotent: the live path and the catch-up
/// sweep, on one node or several, may evaluate the same event and still store one firing and one incident.
/// </summary>
public sealed class EscalationEngine(IEscalationReader reader, IncidentService incidents, IOptionsMonitor<EscalationOptions> options)
{
    public async Task<EvaluationResult> EvaluateAsync(SignInEvent signInEvent, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var firings = new List<(RuleFiring, RaiseResult)>();
        Incident? attachedTo = null;
        if (signInEvent.Succeeded)
        {
            return new EvaluationResult(signInEvent.Id, firings, null);
        }

        var from = signInEvent.OccurredAt - settings.LongestWindow;
        if (SsoMisconfigurationRule.Counts(signInEvent, settings) && signInEvent.OrganizationId is { } organizationId)
        {
            // Once the organization's incident is open, every further SSO error joins it: no second incident.
            var openKey = $"{SsoMisconfigurationRule.Id}/{RuleFiring.OrganizationSubject(organizationId)}";
            attachedTo = await incidents.AttachToOpenAsync(openKey, signInEvent, cancellationToken);
            if (attachedTo is null)
            {
                // The window after the event too: a later event written before this one was judged without it.
                var history = await reader.ListForOrganizationAsync(organizationId, signInEvent.OccurredAt - settings.SsoWindow, signInEvent.OccurredAt + settings.SsoWindow, cancellationToken);
                if (SsoMisconfigurationRule.EvaluateArrival(signInEvent, With(history, signInEvent), settings) is var (firing, trigger))
                {
                    await RaiseAsync(firing, trigger, firings, cancellationToken);
                }
            }
        }

        if (signInEvent.AccountId is { } accountId)
        {
            var history = With(await reader.ListForAccountAsync(accountId, from, signInEvent.OccurredAt, cancellationToken), signInEvent);
            await RaiseAsync(InvalidCredentialsRules.ResetFailures(signInEvent, history, settings), signInEvent, firings, cancellationToken);
            await RaiseAsync(InvalidCredentialsRules.AfterReset(signInEvent, history, settings), signInEvent, firings, cancellationToken);
            await RaiseAsync(BrowserUpdateRule.Evaluate(signInEvent, history, settings), signInEvent, firings, cancellationToken);
            await RaiseAsync(EveryNetworkFailsRule.Evaluate(signInEvent, history, settings), signInEvent, firings, cancellationToken);
        }

        return new EvaluationResult(signInEvent.Id, firings, attachedTo);
    }

    /// <summary>
    /// The lock rule (<see cref="LockOutlastsMaintenanceRule"/>) runs on the notifier's timer, not on an event:
    /// its firings become incidents here. Its own sender already emailed payer support, so only the webhook is owed.
    /// </summary>
    public Task<RaiseResult> RaiseLockAsync(EscalationDecision<LockOutlastsMaintenanceEvidence> decision, CancellationToken cancellationToken)
    {
        var evidence = decision.Evidence ?? throw new ArgumentException("Only a fired decision becomes an incident.", nameof(decision));
        var firing = new RuleFiring(LockOutlastsMaintenanceRule.Id, "Account still locked after maintenance", [LockOutlastsMaintenanceRule.Target],
            $"{RuleFiring.AccountSubject(evidence.AccountId)}/{evidence.DeviceKey}", evidence.LockStartedAt, evidence.AccountId, null,
            decision.Explanation, []);
        return incidents.RaiseAsync(firing, null, alreadyEmailed: true, cancellationToken);
    }

    private async Task RaiseAsync(RuleFiring? firing, SignInEvent trigger, List<(RuleFiring, RaiseResult)> firings, CancellationToken cancellationToken)
    {
        if (firing is not null)
        {
            firings.Add((firing, await incidents.RaiseAsync(firing, trigger.TraceId, alreadyEmailed: false, cancellationToken)));
        }
    }

    /// <summary>The history with the trigger in it, whether or not the read saw it (a replica may lag).</summary>
    private static List<SignInEvent> With(IReadOnlyList<SignInEvent> history, SignInEvent trigger) =>
        history.Any(e => e.Id == trigger.Id) ? [.. history] : [.. history, trigger];
}

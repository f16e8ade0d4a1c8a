using Signpost.Core.Accounts;
using Signpost.Core.Escalation;
using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;

namespace Signpost.Core.Incidents;

/// <summary>
/// The small collector of SPEC §6 data points: the account and its practice, the named trace IDs and the
/// account's latest events (at most <see cref="HistorySize"/>), and what they say was tried.
/// </summary>
public sealed class IncidentFactsCollector(IAccountStore accounts, ISignInEventStore events, IEscalationReader reader) : IIncidentFactsCollector
{
    public const int HistorySize = 50;

    public async Task<IncidentFacts> CollectAsync(Guid? accountId, Guid? organizationId, IReadOnlyList<string> traceIds, CancellationToken cancellationToken)
    {
        var account = accountId is { } id ? await accounts.FindByIdAsync(id, cancellationToken) : null;
        var named = new List<SignInEvent>();
        foreach (var traceId in traceIds.Take(Incident.MaxTraceIds))
        {
            if (await events.FindByTraceIdAsync(traceId, cancellationToken) is { } found)
            {
                named.Add(found);
            }
        }

        var history = account is null ? [] : await events.ListForAccountAsync(account.Id, HistorySize, cancellationToken);
        var all = named.Concat(history).DistinctBy(e => e.Id).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).ToList();

        var organization = await OrganizationAsync(account, organizationId ?? all.Select(e => e.OrganizationId).LastOrDefault(o => o is not null), cancellationToken);
        var zone = FindZone(organization?.TimeZone);
        var failures = all.Where(e => !e.Succeeded && !ReasonCatalogue.Get(e.ReasonCode).IsSuccess).ToList();
        var last = failures.LastOrDefault();
        return new IncidentFacts
        {
            ProviderId = account?.Username,
            Npi = account?.Npi,
            PracticeName = organization?.Name,
            PracticeAddress = organization?.Address,
            PracticeTimeZone = organization?.TimeZone,
            ReasonCode = last?.ReasonCode,
            ErrorText = last is null ? null : ReasonCatalogue.Get(last.ShownReasonCode).UserMessage,
            Failures = [.. failures.Select(f => new FailureTime(f.TraceId, f.OccurredAt, zone is null ? null : TimeZoneInfo.ConvertTime(f.OccurredAt, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture), f.ReasonCode))],
            Browser = last?.Browser,
            BrowserVersion = last?.BrowserVersion,
            OperatingSystem = last?.OperatingSystem,
            Networks = [.. all.Select(e => e.NetworkLabel ?? e.ClientIp).OfType<string>().Distinct(StringComparer.Ordinal)],
            SsoInvolved = all.Any(e => e.SsoConnectionId is not null || e.ReasonCode.StartsWith("sso_", StringComparison.Ordinal)),
            SsoConnection = all.Select(e => e.SsoConnectionId).LastOrDefault(s => s is not null),
            TraceIds = [.. traceIds.Concat(failures.Select(f => f.TraceId)).Distinct(StringComparer.Ordinal).Take(Incident.MaxTraceIds)],
            StepsTried = StepsTried(all),
        };
    }

    /// <summary>The seed's "steps already tried", read off the events rather than asked again.</summary>
    public static IReadOnlyList<string> StepsTried(IReadOnlyList<SignInEvent> history)
    {
        var steps = new List<string>();
        if (history.Any(e => e.Method == SignInMethod.PasswordReset && e.ReasonCode == ReasonCodes.ResetRequested))
        {
            steps.Add("requested a password reset");
        }

        if (history.Any(e => e.Method == SignInMethod.PasswordReset && e.ReasonCode == ReasonCodes.PasswordReset))
        {
            steps.Add("completed a password reset");
        }

        if (history.Any(e => e.Method == SignInMethod.Unlock))
        {
            steps.Add("used self-service unlock");
        }

        if (history.Select(e => e.Browser).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1)
        {
            steps.Add("tried another browser");
        }

        if (history.Select(e => e.Browser + "/" + e.BrowserVersion).Distinct(StringComparer.Ordinal).Count() > history.Select(e => e.Browser).Distinct(StringComparer.Ordinal).Count())
        {
            steps.Add("updated the browser");
        }

        if (history.Select(EveryNetworkFailsRule.NetworkOf).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            steps.Add("tried another network");
        }

        return steps;
    }

    private async Task<Organization?> OrganizationAsync(Account? account, Guid? organizationId, CancellationToken cancellationToken)
    {
        var fromAccount = account?.Memberships.FirstOrDefault(m => organizationId is null || m.OrganizationId == organizationId)?.Organization;
        if (fromAccount is not null)
        {
            return fromAccount;
        }

        return organizationId is { } id ? await reader.FindOrganizationAsync(id, cancellationToken) : null;
    }

    private static TimeZoneInfo? FindZone(string? id)
    {
        if (id is null)
        {
            return null;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
    }
}

using Signpost.Core.Escalation;
using Signpost.Core.Troubleshooting;

namespace Signpost.Core.Incidents;

/// <summary>
/// An incident's data points are the troubleshooter's (step 8 of docs/design.md §5): the newest named trace that can be
/// diagnosed, else the account's latest failures, else just the practice and the trace IDs. One derivation of
/// "steps already tried" and failure times serves the diagnosis, the incident, its email and its webhook.
/// </summary>
public sealed class IncidentFactsCollector(Troubleshooter troubleshooter, IEscalationReader reader) : IIncidentFactsCollector
{
    public async Task<IncidentDataPoints> CollectAsync(Guid? accountId, Guid? organizationId, IReadOnlyList<string> traceIds, CancellationToken cancellationToken)
    {
        Diagnosis? diagnosis = null;
        foreach (var traceId in traceIds.Take(Incident.MaxTraceIds).Reverse())
        {
            diagnosis = (await troubleshooter.DiagnoseTraceAsync(traceId, DiagnosisAudience.Support, cancellationToken)).Diagnosis;
            if (diagnosis is not null)
            {
                break;
            }
        }

        if (diagnosis is null && accountId is { } id)
        {
            diagnosis = (await troubleshooter.DiagnoseAccountAsync(id, null, null, DiagnosisAudience.Support, cancellationToken)).Diagnosis;
        }

        var data = diagnosis?.Incident
            ?? IncidentDataPoints.Bare(organizationId is { } org ? await reader.FindOrganizationAsync(org, cancellationToken) : null, []);
        return data with { TraceIds = [.. traceIds.Concat(data.TraceIds).Distinct(StringComparer.Ordinal).Take(Incident.MaxTraceIds)] };
    }
}

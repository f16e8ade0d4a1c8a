using Signpost.Core.Troubleshooting;

namespace Signpost.Core.Incidents;

/// <summary>
/// Fills an incident's docs/design.md §6 data points (<see cref="IncidentDataPoints"/>, the troubleshooter's record).
/// They are stored as JSON on the incident, so the record can grow without a migration.
/// </summary>
public interface IIncidentFactsCollector
{
    Task<IncidentDataPoints> CollectAsync(Guid? accountId, Guid? organizationId, IReadOnlyList<string> traceIds, CancellationToken cancellationToken);
}

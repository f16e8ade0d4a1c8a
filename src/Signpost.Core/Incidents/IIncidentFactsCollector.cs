namespace Signpost.Core.Incidents;

/// <summary>One failure's time, in UTC and in the practice's time zone (SPEC §6 "date/time of each failure").</summary>
public sealed record FailureTime(string TraceId, DateTimeOffset Utc, string? PracticeLocal, string ReasonCode);

/// <summary>
/// The SPEC §6 data points an incident carries, filled from what the server knows. A stand-in for the
/// troubleshooter's <c>IncidentDataPoints</c>: stored as JSON, so the record can change without a migration.
/// </summary>
public sealed record IncidentFacts
{
    public string? ProviderId { get; init; }
    public string? Npi { get; init; }
    public string? PracticeName { get; init; }
    public string? PracticeAddress { get; init; }
    public string? PracticeTimeZone { get; init; }
    public string? ReasonCode { get; init; }

    /// <summary>The exact text the person was shown for the last failure.</summary>
    public string? ErrorText { get; init; }

    public IReadOnlyList<FailureTime> Failures { get; init; } = [];
    public string? Browser { get; init; }
    public string? BrowserVersion { get; init; }
    public string? OperatingSystem { get; init; }
    public IReadOnlyList<string> Networks { get; init; } = [];
    public bool SsoInvolved { get; init; }
    public string? SsoConnection { get; init; }
    public IReadOnlyList<string> TraceIds { get; init; } = [];

    /// <summary>What the person already tried, derived from the event history (reset, unlock, another browser, another network).</summary>
    public IReadOnlyList<string> StepsTried { get; init; } = [];
}

/// <summary>Fills an incident's data points. The lead swaps in the troubleshooter's collector at merge.</summary>
public interface IIncidentFactsCollector
{
    Task<IncidentFacts> CollectAsync(Guid? accountId, Guid? organizationId, IReadOnlyList<string> traceIds, CancellationToken cancellationToken);
}

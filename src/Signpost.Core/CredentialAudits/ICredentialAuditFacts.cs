namespace Signpost.Core.CredentialAudits;

/// <summary>Reads the facts of a credential audit from the stores (the host implements it over the database).</summary>
public interface ICredentialAuditFacts
{
    /// <summary>
    /// The facts of the practice with <paramref name="organizationId"/> now, with the role changes made in
    /// [<paramref name="periodStart"/>, <paramref name="periodEnd"/>); null when no such practice exists.
    /// <paramref name="progress"/> hears how many members were read so far (large practices take a while).
    /// </summary>
    Task<CredentialAuditFacts?> ReadAsync(Guid organizationId, DateTimeOffset periodStart, DateTimeOffset periodEnd, IProgress<int>? progress, CancellationToken cancellationToken);

    /// <summary>When the practice was created; null when it does not exist. A cheap read before the full facts.</summary>
    Task<DateTimeOffset?> CreatedAtAsync(Guid organizationId, CancellationToken cancellationToken);
}

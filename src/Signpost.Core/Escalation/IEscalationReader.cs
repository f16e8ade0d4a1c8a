using Signpost.Core.Events;
using Signpost.Core.Organizations;

namespace Signpost.Core.Escalation;

/// <summary>What the escalation engine reads: events around the one it evaluates, and its high-water mark.</summary>
public interface IEscalationReader
{
    Task<IReadOnlyList<SignInEvent>> ListForAccountAsync(Guid accountId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    Task<IReadOnlyList<SignInEvent>> ListForOrganizationAsync(Guid organizationId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Events with an ID above <paramref name="afterId"/>, by ID (the catch-up sweep).</summary>
    Task<IReadOnlyList<SignInEvent>> ListAfterAsync(long afterId, int take, CancellationToken cancellationToken);

    /// <summary>The highest event ID every event up to which was evaluated; null before the first sweep set it.</summary>
    Task<long?> GetHighWaterMarkAsync(CancellationToken cancellationToken);

    /// <summary>The newest event's ID, 0 when there is none.</summary>
    Task<long> LatestEventIdAsync(CancellationToken cancellationToken);

    /// <summary>Raises the mark to <paramref name="eventId"/> (creating it at first); never lowers it.</summary>
    Task RaiseHighWaterMarkAsync(long eventId, CancellationToken cancellationToken);

    Task<Organization?> FindOrganizationAsync(Guid organizationId, CancellationToken cancellationToken);
}

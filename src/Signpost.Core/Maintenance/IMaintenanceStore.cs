namespace Signpost.Core.Maintenance;

public interface IMaintenanceStore
{
    Task AddAsync(MaintenanceWindow window, CancellationToken cancellationToken);

    Task<MaintenanceWindow?> FindAsync(Guid id, CancellationToken cancellationToken);

    Task UpdateAsync(MaintenanceWindow window, CancellationToken cancellationToken);

    /// <summary>
    /// Stamps the notice columns that are given and still empty, and nothing else, so an edit made at the
    /// same moment (an extension, a cancellation) is never overwritten by the notifier.
    /// </summary>
    Task RecordNoticesSentAsync(Guid id, DateTimeOffset? scheduledNoticeSentAt, DateTimeOffset? reminderSentAt, CancellationToken cancellationToken);

    /// <summary>Windows not cancelled whose span meets [<paramref name="from"/>, <paramref name="to"/>), earliest first.</summary>
    Task<IReadOnlyList<MaintenanceWindow>> ListAsync(DateTimeOffset from, DateTimeOffset to, bool includeCancelled, CancellationToken cancellationToken);
}

namespace Signpost.Core.Maintenance;

public interface IMaintenanceStore
{
    Task AddAsync(MaintenanceWindow window, CancellationToken cancellationToken);

    Task<MaintenanceWindow?> FindAsync(Guid id, CancellationToken cancellationToken);

    Task UpdateAsync(MaintenanceWindow window, CancellationToken cancellationToken);

    /// <summary>Windows not cancelled whose span meets [<paramref name="from"/>, <paramref name="to"/>), earliest first.</summary>
    Task<IReadOnlyList<MaintenanceWindow>> ListAsync(DateTimeOffset from, DateTimeOffset to, bool includeCancelled, CancellationToken cancellationToken);
}

using Signpost.Core.Maintenance;

namespace Signpost.Core.Tests.Fakes;

internal sealed class InMemoryMaintenanceStore : IMaintenanceStore
{
    private readonly List<MaintenanceWindow> _windows = [];

    public IReadOnlyList<MaintenanceWindow> All => _windows;

    public Task AddAsync(MaintenanceWindow window, CancellationToken cancellationToken)
    {
        _windows.Add(Copy(window));
        return Task.CompletedTask;
    }

    public Task<MaintenanceWindow?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        Task.FromResult(_windows.Where(w => w.Id == id).Select(Copy).FirstOrDefault());

    public Task UpdateAsync(MaintenanceWindow window, CancellationToken cancellationToken)
    {
        _windows.RemoveAll(w => w.Id == window.Id);
        _windows.Add(Copy(window));
        return Task.CompletedTask;
    }

    public Task RecordNoticesSentAsync(Guid id, DateTimeOffset? scheduledNoticeSentAt, DateTimeOffset? reminderSentAt, CancellationToken cancellationToken)
    {
        foreach (var window in _windows.Where(w => w.Id == id))
        {
            window.ScheduledNoticeSentAt ??= scheduledNoticeSentAt;
            window.ReminderSentAt ??= reminderSentAt;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<MaintenanceWindow>> ListAsync(DateTimeOffset from, DateTimeOffset to, bool includeCancelled, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MaintenanceWindow>>(_windows
            .Where(w => w.StartsAt < to && w.EndsAt > from && (includeCancelled || w.CancelledAt is null))
            .OrderBy(w => w.StartsAt).Select(Copy).ToList());

    private static MaintenanceWindow Copy(MaintenanceWindow w) => new()
    {
        Id = w.Id, StartsAt = w.StartsAt, EndsAt = w.EndsAt, Scope = w.Scope, OrganizationId = w.OrganizationId, Message = w.Message,
        EnteredTimeZone = w.EnteredTimeZone, CreatedAt = w.CreatedAt, CreatedBy = w.CreatedBy, CancelledAt = w.CancelledAt,
        ClosedAt = w.ClosedAt, ScheduledNoticeSentAt = w.ScheduledNoticeSentAt, ReminderSentAt = w.ReminderSentAt,
    };
}

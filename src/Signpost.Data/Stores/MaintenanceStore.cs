using Microsoft.EntityFrameworkCore;
using Signpost.Core.Maintenance;

namespace Signpost.Data.Stores;

internal sealed class MaintenanceStore(SignpostDbContext db) : IMaintenanceStore
{
    public async Task AddAsync(MaintenanceWindow window, CancellationToken cancellationToken)
    {
        db.MaintenanceWindows.Add(window);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(window).State = EntityState.Detached;
    }

    public Task<MaintenanceWindow?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.MaintenanceWindows.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, cancellationToken);

    public async Task UpdateAsync(MaintenanceWindow window, CancellationToken cancellationToken)
    {
        db.MaintenanceWindows.Update(window);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(window).State = EntityState.Detached;
    }

    public Task RecordNoticesSentAsync(Guid id, DateTimeOffset? scheduledNoticeSentAt, DateTimeOffset? reminderSentAt, CancellationToken cancellationToken) =>
        db.MaintenanceWindows.Where(w => w.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(w => w.ScheduledNoticeSentAt, w => w.ScheduledNoticeSentAt ?? scheduledNoticeSentAt)
            .SetProperty(w => w.ReminderSentAt, w => w.ReminderSentAt ?? reminderSentAt),
            cancellationToken);

    public async Task<IReadOnlyList<MaintenanceWindow>> ListAsync(DateTimeOffset from, DateTimeOffset to, bool includeCancelled, CancellationToken cancellationToken) =>
        await db.MaintenanceWindows.AsNoTracking()
            .Where(w => w.StartsAt < to && w.EndsAt > from && (includeCancelled || w.CancelledAt == null))
            .OrderBy(w => w.StartsAt)
            .ToListAsync(cancellationToken);
}

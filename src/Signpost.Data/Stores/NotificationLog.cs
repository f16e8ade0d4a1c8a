using Microsoft.EntityFrameworkCore;
using Signpost.Core.Notifications;

namespace Signpost.Data.Stores;

/// <summary>
/// Claims with one conditional statement each, so two nodes never both hold a key: an UPDATE that takes
/// over only an unsent, expired claim, else an INSERT that the primary key lets only one node win.
/// </summary>
internal sealed class NotificationLog(SignpostDbContext db) : INotificationLog
{
    private DbSet<NotificationDelivery> Deliveries => db.Set<NotificationDelivery>();

    public async Task<NotificationClaim> TryClaimAsync(string key, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken)
    {
        var takenOver = await Deliveries
            .Where(d => d.Key == key && d.SentAt == null && d.ClaimedUntil <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntil, claimUntil), cancellationToken);
        if (takenOver == 1)
        {
            return NotificationClaim.Claimed;
        }

        if (await Deliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Key == key, cancellationToken) is { } existing)
        {
            return existing.SentAt is null ? NotificationClaim.HeldElsewhere : NotificationClaim.AlreadySent;
        }

        var delivery = new NotificationDelivery { Key = key, ClaimedUntil = claimUntil };
        Deliveries.Add(delivery);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return NotificationClaim.Claimed;
        }
        catch (DbUpdateException)
        {
            // Another node inserted the same key a moment earlier: it holds the claim.
            return NotificationClaim.HeldElsewhere;
        }
        finally
        {
            db.Entry(delivery).State = EntityState.Detached;
        }
    }

    public Task MarkSentAsync(string key, DateTimeOffset sentAt, CancellationToken cancellationToken) =>
        Deliveries.Where(d => d.Key == key).ExecuteUpdateAsync(s => s.SetProperty(d => d.SentAt, sentAt), cancellationToken);

    public Task ReleaseAsync(string key, CancellationToken cancellationToken) =>
        Deliveries.Where(d => d.Key == key && d.SentAt == null).ExecuteDeleteAsync(cancellationToken);

    public Task<bool> WasSentAsync(string key, CancellationToken cancellationToken) =>
        Deliveries.AnyAsync(d => d.Key == key && d.SentAt != null, cancellationToken);
}

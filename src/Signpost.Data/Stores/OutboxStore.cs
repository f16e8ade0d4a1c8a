using Microsoft.EntityFrameworkCore;
using Signpost.Core.Email;

namespace Signpost.Data.Stores;

/// <summary>The recovery emails' outbox: rows written by requests, drained (and deleted) by the mail job.</summary>
internal sealed class OutboxStore(SignpostDbContext db) : IOutboxStore
{
    public async Task AddAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        db.OutboxMessages.Add(message);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Entry(message).State = EntityState.Detached;
        }
    }

    public async Task<IReadOnlyList<OutboxMessage>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        await db.OutboxMessages.AsNoTracking()
            .Where(m => m.NextAttemptAt <= now && m.DiscardAt > now)
            .OrderBy(m => m.CreatedAt)
            .Take(max)
            .ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<OutboxMessage>> ExpiredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        await db.OutboxMessages.AsNoTracking()
            .Where(m => m.DiscardAt <= now)
            .OrderBy(m => m.CreatedAt)
            .Take(max)
            .ToListAsync(cancellationToken);

    public Task DeleteAsync(Guid id, CancellationToken cancellationToken) =>
        db.OutboxMessages.Where(m => m.Id == id).ExecuteDeleteAsync(cancellationToken);

    public Task RetryLaterAsync(Guid id, int attempts, DateTimeOffset nextAttemptAt, string error, DateTimeOffset? serverDownSince, CancellationToken cancellationToken)
    {
        var cut = error.Length > OutboxMessage.MaxErrorLength ? error[..OutboxMessage.MaxErrorLength] : error;
        return db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Attempts, attempts)
            .SetProperty(m => m.NextAttemptAt, nextAttemptAt)
            .SetProperty(m => m.LastError, cut)
            .SetProperty(m => m.ServerDownSince, serverDownSince), cancellationToken);
    }

    public Task<bool> AnyStuckAsync(DateTimeOffset queuedBefore, CancellationToken cancellationToken) =>
        db.OutboxMessages.AsNoTracking().AnyAsync(m => m.ServerDownSince != null || m.CreatedAt < queuedBefore, cancellationToken);
}

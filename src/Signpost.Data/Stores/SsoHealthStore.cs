using Microsoft.EntityFrameworkCore;
using Signpost.Core.SingleSignOn;

namespace Signpost.Data.Stores;

internal sealed class SsoHealthStore(SignpostDbContext db) : ISsoHealthStore
{
    public async Task RecordAsync(SsoHealthRecord record, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.SsoHealthRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Entry(record).State = EntityState.Detached;
        }

        // The stamp that rebuilds handler options (UpdatedAt) is deliberately left alone: health is not configuration.
        await db.SsoConnections.Where(c => c.Id == record.ConnectionId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.HealthStatus, record.Status).SetProperty(c => c.HealthCheckedAt, record.CheckedAt), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}

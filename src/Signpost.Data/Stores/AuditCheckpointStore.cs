using Microsoft.EntityFrameworkCore;
using Signpost.Core.Audit;

namespace Signpost.Data.Stores;

/// <summary>Checkpoints of the audit chain's head, and the entries from one sequence number on.</summary>
internal sealed class AuditCheckpointStore(SignpostDbContext db) : IAuditCheckpointStore
{
    public Task<AuditCheckpoint?> LatestAsync(CancellationToken cancellationToken) =>
        db.AuditCheckpoints.AsNoTracking().OrderByDescending(c => c.Sequence).ThenByDescending(c => c.Id).FirstOrDefaultAsync(cancellationToken);

    public async Task AddAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        db.AuditCheckpoints.Add(checkpoint);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Entry(checkpoint).State = EntityState.Detached;
        }
    }

    public IAsyncEnumerable<AuditEntry> ReadFromAsync(long sequence, CancellationToken cancellationToken) =>
        AuditStore.ReadAfterAsync(db, sequence - 1, cancellationToken);
}

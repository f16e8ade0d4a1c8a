using System.Runtime.CompilerServices;
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

    public async IAsyncEnumerable<AuditEntry> ReadFromAsync(long sequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // In pages, like the full walk, so a long stretch is never held in memory at once.
        var after = sequence - 1;
        while (true)
        {
            var page = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(1000).ToListAsync(cancellationToken);
            foreach (var entry in page)
            {
                yield return entry;
            }

            if (page.Count < 1000)
            {
                yield break;
            }

            after = page[^1].Sequence;
        }
    }
}

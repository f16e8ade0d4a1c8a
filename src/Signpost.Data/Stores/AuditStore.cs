using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Audit;

namespace Signpost.Data.Stores;

/// <summary>Append-only: the unique sequence number decides between concurrent appenders; nothing here updates or deletes.</summary>
internal sealed class AuditStore(SignpostDbContext db) : IAuditStore
{
    public Task<AuditEntry?> LastAsync(CancellationToken cancellationToken) =>
        db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(cancellationToken);

    public async Task<bool> TryAppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        db.AuditEntries.Add(entry);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.Entry(entry).State = EntityState.Detached;
            if (await db.AuditEntries.AsNoTracking().AnyAsync(e => e.Sequence == entry.Sequence, cancellationToken))
            {
                return false;
            }

            throw;
        }
        finally
        {
            // Only this entry: the caller's own tracked changes (the act being audited) stay as they are.
            db.Entry(entry).State = EntityState.Detached;
        }
    }

    public IAsyncEnumerable<AuditEntry> ReadAllAsync(CancellationToken cancellationToken) => ReadAfterAsync(db, 0, cancellationToken);

    /// <summary>
    /// The entries after one sequence number, in order, read in pages by sequence so a long trail is never held
    /// in memory at once. Shared with <see cref="AuditCheckpointStore"/>, which reads from a checkpoint on.
    /// </summary>
    internal static async IAsyncEnumerable<AuditEntry> ReadAfterAsync(SignpostDbContext db, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
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

    public async Task<IReadOnlyList<AuditEntry>> ListForTargetAsync(string targetType, string targetId, int take, CancellationToken cancellationToken) =>
        await db.AuditEntries.AsNoTracking().Where(e => e.TargetType == targetType && e.TargetId == targetId)
            .OrderByDescending(e => e.Sequence).Take(take).ToListAsync(cancellationToken);
}

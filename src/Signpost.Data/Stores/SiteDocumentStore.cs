using Microsoft.EntityFrameworkCore;
using Signpost.Core.Documents;

namespace Signpost.Data.Stores;

internal sealed class SiteDocumentStore(SignpostDbContext db) : ISiteDocumentStore
{
    public Task<SiteDocument?> FindAsync(string key, CancellationToken cancellationToken) =>
        db.SiteDocuments.AsNoTracking().FirstOrDefaultAsync(d => d.Key == key, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        db.SiteDocuments.AnyAsync(d => d.Key == key, cancellationToken);

    public async Task SaveAsync(SiteDocument document, CancellationToken cancellationToken)
    {
        var stored = await db.SiteDocuments.FirstOrDefaultAsync(d => d.Key == document.Key, cancellationToken);
        if (stored is null)
        {
            stored = document;
            db.SiteDocuments.Add(stored);
        }
        else
        {
            stored.Markdown = document.Markdown;
            stored.UpdatedAt = document.UpdatedAt;
            stored.UpdatedBy = document.UpdatedBy;
        }

        await db.SaveChangesAsync(cancellationToken);
        db.Entry(stored).State = EntityState.Detached;
    }
}

namespace Signpost.Core.Documents;

public interface ISiteDocumentStore
{
    Task<SiteDocument?> FindAsync(string key, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores the document under its key, replacing what was there.</summary>
    Task SaveAsync(SiteDocument document, CancellationToken cancellationToken);
}

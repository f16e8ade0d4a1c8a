namespace Signpost.Core.SingleSignOn;

/// <summary>The history of a connection's health checks.</summary>
public interface ISsoHealthStore
{
    /// <summary>
    /// Adds <paramref name="record"/> to its connection's history and stamps the connection with its status and
    /// time, together. The connection's <see cref="SsoConnection.UpdatedAt"/> stays: health is not configuration.
    /// </summary>
    Task RecordAsync(SsoHealthRecord record, CancellationToken cancellationToken);
}

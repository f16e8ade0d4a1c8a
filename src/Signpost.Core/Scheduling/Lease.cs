namespace Signpost.Core.Scheduling;

/// <summary>Who may run a piece of scheduled work until when; one row per job name.</summary>
public sealed class Lease
{
    public required string Name { get; set; }
    public required string Holder { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// Leases let several nodes share one database and still run each scheduled job once: a node runs the
/// job only while it holds the job's lease, and renews it each time. When the holder stops, its lease
/// runs out and another node takes over.
/// </summary>
public interface ILeaseStore
{
    /// <summary>Takes or renews the lease; false while another holder's lease is still running.</summary>
    Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives the lease up early (a node shutting down), so another node need not wait it out.</summary>
    Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken);
}

/// <summary>
/// Counters that must be exact across nodes (the per-address sign-in limit): one atomic upsert in the
/// database per hit, keyed by a name and a fixed window.
/// </summary>
public interface IRateCounterStore
{
    /// <summary>Counts one hit in the window and returns the count including it.</summary>
    Task<int> HitAsync(string key, long window, CancellationToken cancellationToken);

    /// <summary>Deletes the counters of windows before <paramref name="window"/>.</summary>
    Task<int> PurgeBeforeAsync(long window, CancellationToken cancellationToken);
}

namespace Signpost.Core.Maintenance;

/// <summary>
/// This node's copies of the maintenance windows, so neither the sign-in gate nor the banner, the status page
/// and its feeds read the windows table on every request (docs/maintenance.md, "How soon a change takes
/// effect"): the windows that can be in force during the next <see cref="Bound"/> (<see cref="InForceAsync"/>),
/// and the board's list from its history to its horizon (<see cref="BoardAsync"/>). A change made through this
/// node's <see cref="MaintenancePlanner"/> empties both at once; a change made elsewhere (another node, the
/// command line) is seen within <see cref="Bound"/>. One per process (a singleton); <see cref="TimeSpan.Zero"/>
/// turns it off.
/// </summary>
public sealed class MaintenanceCache(TimeProvider time, TimeSpan bound)
{
    private readonly Lock _gate = new();
    private Snapshot? _snapshot;
    private Snapshot? _board;
    private long _generation;

    /// <summary>How long windows read from the store are used before they are read again.</summary>
    public TimeSpan Bound { get; } = bound >= TimeSpan.Zero ? bound : throw new ArgumentOutOfRangeException(nameof(bound));

    /// <summary>The windows in force now (cancelled ones never), from the copy while it is younger than <see cref="Bound"/>.</summary>
    public async Task<IReadOnlyList<MaintenanceWindow>> InForceAsync(IMaintenanceStore store, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (Bound == TimeSpan.Zero)
        {
            return (await store.ListAsync(now, now.AddMilliseconds(1), includeCancelled: false, cancellationToken)).Where(w => w.IsInForce(now)).ToList();
        }

        Snapshot? snapshot;
        long generation;
        lock (_gate)
        {
            snapshot = _snapshot;
            generation = _generation;
        }

        if (snapshot is null || now < snapshot.ReadAt || now >= snapshot.ReadAt + Bound)
        {
            // Every window that is in force at some instant of [now, now + Bound): whatever the clock says
            // while this copy is used, the windows in force then are among these.
            var windows = await store.ListAsync(now, now + Bound, includeCancelled: false, cancellationToken);
            snapshot = new Snapshot(now, windows);
            lock (_gate)
            {
                // A local change made while this read ran may be missing from it: keep it only if there was none.
                if (_generation == generation)
                {
                    _snapshot = snapshot;
                }
            }
        }

        return snapshot.Windows.Where(w => w.IsInForce(now)).ToList();
    }

    /// <summary>
    /// Every window, cancelled ones included, that overlaps <paramref name="history"/> ago to <paramref name="horizon"/>
    /// ahead (what <see cref="MaintenanceBoard"/> sorts), from the copy while it is younger than <see cref="Bound"/>.
    /// </summary>
    public async Task<IReadOnlyList<MaintenanceWindow>> BoardAsync(IMaintenanceStore store, TimeSpan history, TimeSpan horizon, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (Bound == TimeSpan.Zero)
        {
            return await store.ListAsync(now - history, now + horizon, includeCancelled: true, cancellationToken);
        }

        if (FreshBoard(history, horizon) is { } fresh)
        {
            return fresh;
        }

        long generation;
        lock (_gate)
        {
            generation = _generation;
        }

        // Through the horizon as it will be at the copy's end, so a window entering the horizon meanwhile is there.
        var board = new Snapshot(now, await store.ListAsync(now - history, now + horizon + Bound, includeCancelled: true, cancellationToken));
        lock (_gate)
        {
            if (_generation == generation)
            {
                _board = board;
            }
        }

        return Cut(board, now, history, horizon);
    }

    /// <summary>
    /// What <see cref="BoardAsync"/> answers while the board's copy is fresh, without a store; null when there is no
    /// fresh copy (or the cache is off), and only <see cref="BoardAsync"/> can answer. A page that asks this first
    /// builds no store, and no database context, on most requests (docs/capacity.md, "A signed-in page").
    /// </summary>
    public IReadOnlyList<MaintenanceWindow>? FreshBoard(TimeSpan history, TimeSpan horizon)
    {
        var now = time.GetUtcNow();
        Snapshot? board;
        lock (_gate)
        {
            board = _board;
        }

        return Bound == TimeSpan.Zero || board is null || now < board.ReadAt || now >= board.ReadAt + Bound ? null : Cut(board, now, history, horizon);
    }

    /// <summary>The same span the store would answer now, cut from the copy.</summary>
    private static List<MaintenanceWindow> Cut(Snapshot board, DateTimeOffset now, TimeSpan history, TimeSpan horizon)
    {
        var (from, to) = (now - history, now + horizon);
        return board.Windows.Where(w => w.StartsAt < to && w.EndsAt > from).ToList();
    }

    /// <summary>A window was scheduled, extended, cancelled or closed on this node: read again at the next request.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _generation++;
            _snapshot = null;
            _board = null;
        }
    }

    private sealed record Snapshot(DateTimeOffset ReadAt, IReadOnlyList<MaintenanceWindow> Windows);
}

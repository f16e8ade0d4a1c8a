namespace Signpost.Core.Maintenance;

/// <summary>
/// What the status page, its feeds and the notices say about maintenance at one instant: what runs or
/// overruns now, what is coming, what happened in the last <see cref="History"/>. The windows come through
/// the node's <see cref="MaintenanceCache"/> when there is one (a change made on another node shows within its
/// bound, docs/maintenance.md); what runs, is coming or is over is always worked out at the current instant.
/// </summary>
public sealed class MaintenanceBoard(IMaintenanceStore store, TimeProvider time, MaintenanceCache? cache = null)
{
    /// <summary>How far back the status page looks (and how long a forgotten, unclosed window shows as overrunning).</summary>
    public static readonly TimeSpan History = TimeSpan.FromDays(90);

    /// <summary>How far ahead upcoming windows are listed.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(366);

    /// <summary>
    /// The windows that concern <paramref name="audience"/>, cancelled ones included, from <see cref="History"/>
    /// ago to <see cref="Horizon"/> ahead.
    /// </summary>
    public async Task<MaintenanceSnapshot> ReadAsync(MaintenanceAudience audience, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var windows = await WindowsAsync(now, cancellationToken);
        return new MaintenanceSnapshot(now, windows.Where(audience.Includes).OrderBy(w => w.StartsAt).ThenBy(w => w.Id).ToList());
    }

    /// <summary>
    /// Whether any window, whoever it concerns, is to be announced now (<see cref="MaintenanceSnapshot.NoticesWithin"/>
    /// for <see cref="MaintenanceAudience.Everyone"/>): every audience's notices are among these, so when there are none
    /// a page's banner has nothing to show to anyone, and need not work out whom it would concern.
    /// </summary>
    public async Task<bool> AnyNoticeWithinAsync(TimeSpan leadTime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return AnyNoticeWithin(await WindowsAsync(now, cancellationToken), now, leadTime);
    }

    /// <summary>Whether any of <paramref name="windows"/> is to be announced at <paramref name="now"/> (<see cref="AnyNoticeWithinAsync"/>).</summary>
    public static bool AnyNoticeWithin(IEnumerable<MaintenanceWindow> windows, DateTimeOffset now, TimeSpan leadTime) =>
        windows.Any(w => MaintenanceSnapshot.IsNotice(w, now, leadTime));

    /// <summary>Every window from <see cref="History"/> ago to <see cref="Horizon"/> ahead, through the node's copy when there is one.</summary>
    private async Task<IReadOnlyList<MaintenanceWindow>> WindowsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        cache is null
            ? await store.ListAsync(now - History, now + Horizon, includeCancelled: true, cancellationToken)
            : await cache.BoardAsync(store, History, Horizon, cancellationToken);
}

/// <summary>
/// Whose windows to show. Portal and sign-in windows concern everyone; an SSO window concerns its own
/// organization, and the unfiltered public view (<see cref="Everyone"/>).
/// </summary>
public sealed class MaintenanceAudience
{
    private readonly HashSet<Guid>? _organizations;

    private MaintenanceAudience(HashSet<Guid>? organizations) => _organizations = organizations;

    /// <summary>Every window, every organization's SSO windows included.</summary>
    public static MaintenanceAudience Everyone { get; } = new(null);

    /// <summary>Portal and sign-in windows, and the SSO windows of <paramref name="organizations"/> (none when empty).</summary>
    public static MaintenanceAudience Of(IEnumerable<Guid> organizations) => new([.. organizations]);

    public bool Includes(MaintenanceWindow window) =>
        window.Scope != MaintenanceScope.OrganizationSso
        || _organizations is null
        || (window.OrganizationId is { } id && _organizations.Contains(id));
}

/// <summary>The windows of one audience at <see cref="Now"/>, earliest first, sorted into what the status page shows.</summary>
public sealed class MaintenanceSnapshot(DateTimeOffset now, IReadOnlyList<MaintenanceWindow> windows)
{
    public DateTimeOffset Now { get; } = now;

    /// <summary>Every window read, cancelled ones included (the calendar feed tells subscribers about cancellations).</summary>
    public IReadOnlyList<MaintenanceWindow> All { get; } = windows;

    /// <summary>In progress or overrunning now.</summary>
    public IReadOnlyList<MaintenanceWindow> Current { get; } =
        windows.Where(w => w.PhaseAt(now) is MaintenancePhase.InProgress or MaintenancePhase.Overrunning).ToList();

    /// <summary>Scheduled, not started, not cancelled.</summary>
    public IReadOnlyList<MaintenanceWindow> Upcoming { get; } =
        windows.Where(w => w.PhaseAt(now) == MaintenancePhase.Scheduled).ToList();

    /// <summary>Finished windows that started within <see cref="MaintenanceBoard.History"/>, most recent first.</summary>
    public IReadOnlyList<MaintenanceWindow> Recent { get; } =
        windows.Where(w => w.PhaseAt(now) == MaintenancePhase.Completed).OrderByDescending(w => w.StartsAt).ToList();

    /// <summary>Windows to announce now: running or overrunning, or starting within <paramref name="leadTime"/>.</summary>
    public IReadOnlyList<MaintenanceWindow> NoticesWithin(TimeSpan leadTime) =>
        [.. Current, .. Upcoming.Where(w => IsNotice(w, Now, leadTime))];

    /// <summary>Whether <paramref name="window"/> is announced at <paramref name="now"/>: running or overrunning, or starting within <paramref name="leadTime"/>.</summary>
    public static bool IsNotice(MaintenanceWindow window, DateTimeOffset now, TimeSpan leadTime) =>
        window.PhaseAt(now) switch
        {
            MaintenancePhase.InProgress or MaintenancePhase.Overrunning => true,
            MaintenancePhase.Scheduled => window.StartsAt <= now + leadTime,
            _ => false,
        };

    public MaintenanceState State =>
        Current.Any(w => w.IsOverrunning(Now)) ? MaintenanceState.Overrunning
        : Current.Count > 0 ? MaintenanceState.InProgress
        : MaintenanceState.Normal;
}

/// <summary>The headline of the status page.</summary>
public enum MaintenanceState
{
    Normal,
    InProgress,
    Overrunning,
}

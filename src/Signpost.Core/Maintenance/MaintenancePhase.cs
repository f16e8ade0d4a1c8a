namespace Signpost.Core.Maintenance;

/// <summary>Where a window stands at one instant, as the status page and the notices tell it.</summary>
public enum MaintenancePhase
{
    /// <summary>Announced, not started.</summary>
    Scheduled,

    /// <summary>Between its start and its planned end, and not closed.</summary>
    InProgress,

    /// <summary>Past its planned end and operators have not declared the work finished.</summary>
    Overrunning,

    /// <summary>Closed by an operator: the work is finished.</summary>
    Completed,

    Cancelled,
}

/// <summary>Reads a window's <see cref="MaintenancePhase"/> and when its work actually stopped.</summary>
public static class MaintenancePhases
{
    public static MaintenancePhase PhaseAt(this MaintenanceWindow window, DateTimeOffset now) =>
        window.IsCancelled ? MaintenancePhase.Cancelled
        : window.ClosedAt is { } closed && closed <= now ? MaintenancePhase.Completed
        : window.IsInForce(now) ? MaintenancePhase.InProgress
        : window.IsOverrunning(now) ? MaintenancePhase.Overrunning
        : MaintenancePhase.Scheduled;

    /// <summary>When the work stopped, or stops at the latest: closed, else now while overrunning, else the planned end.</summary>
    public static DateTimeOffset ActualEndAt(this MaintenanceWindow window, DateTimeOffset now) =>
        window.ClosedAt ?? (window.IsOverrunning(now) ? now : window.EndsAt);
}

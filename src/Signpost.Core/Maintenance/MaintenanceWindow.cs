namespace Signpost.Core.Maintenance;

/// <summary>What a maintenance window takes down.</summary>
public enum MaintenanceScope
{
    /// <summary>The whole portal: sign-in and every portal application.</summary>
    Portal,

    /// <summary>Sign-in only.</summary>
    SignIn,

    /// <summary>One organization's single sign-on connection; password sign-in keeps working.</summary>
    OrganizationSso,
}

/// <summary>
/// Planned downtime (docs/design.md §2, issue "Maintenance windows"). Stored in UTC; the time zone it was entered
/// in is kept so notices can repeat the operator's own wording of the times.
/// </summary>
public sealed class MaintenanceWindow
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public MaintenanceScope Scope { get; set; }
    /// <summary>The organization, for <see cref="MaintenanceScope.OrganizationSso"/> only.</summary>
    public Guid? OrganizationId { get; set; }
    public required string Message { get; set; }
    public required string EnteredTimeZone { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    /// <summary>Set when operators declare the work finished; until then a window past its end is overrunning.</summary>
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset? ScheduledNoticeSentAt { get; set; }
    public DateTimeOffset? ReminderSentAt { get; set; }

    public bool IsCancelled => CancelledAt is not null;

    /// <summary>
    /// In force between its start and its planned end, unless cancelled or closed early. Past the end it
    /// no longer refuses sign-ins — operators extend a window that needs longer — so a forgotten window
    /// cannot keep everyone out.
    /// </summary>
    public bool IsInForce(DateTimeOffset now) =>
        !IsCancelled && now >= StartsAt && now < EndsAt && (ClosedAt is null || now < ClosedAt);

    /// <summary>Past its planned end and not yet closed: the status page says so.</summary>
    public bool IsOverrunning(DateTimeOffset now) => !IsCancelled && ClosedAt is null && now >= EndsAt;

    /// <summary>Portal and sign-in windows refuse password sign-in for everyone.</summary>
    public bool BlocksPasswordSignIn => Scope is MaintenanceScope.Portal or MaintenanceScope.SignIn;

    public bool Concerns(Guid? organizationId) => Scope != MaintenanceScope.OrganizationSso || OrganizationId == organizationId;
}

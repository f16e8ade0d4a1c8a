using Signpost.Core.Maintenance;

namespace Signpost.Web.Maintenance;

/// <summary>What the maintenance banner (<c>Pages/Shared/_MaintenanceNotice.cshtml</c>) shows.</summary>
public sealed record MaintenanceNoticeView(IReadOnlyList<MaintenanceNoticeItem> Items, string StatusHref, bool ProcedureExists)
{
    /// <summary>The most pressing phase among the windows: it sets the heading and the colour.</summary>
    public MaintenancePhase Phase =>
        Items.Any(i => i.Phase == MaintenancePhase.Overrunning) ? MaintenancePhase.Overrunning
        : Items.Any(i => i.Phase == MaintenancePhase.InProgress) ? MaintenancePhase.InProgress
        : MaintenancePhase.Scheduled;

    public string Heading => Phase switch
    {
        MaintenancePhase.Overrunning => "Maintenance is taking longer than planned",
        MaintenancePhase.InProgress => "Maintenance in progress",
        _ => "Planned maintenance",
    };

    /// <summary>Red while something is down now, amber while it is only announced.</summary>
    public string CssClass => Phase == MaintenancePhase.Scheduled ? "notice" : "alert";
}

/// <summary>One window in the banner: where it stands, when (UTC, then each practice's own time), and the operators' message.</summary>
public sealed record MaintenanceNoticeItem(
    Guid Id,
    MaintenancePhase Phase,
    string Headline,
    string? StillWorks,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string UtcSpan,
    IReadOnlyList<string> LocalSpans,
    string Message);

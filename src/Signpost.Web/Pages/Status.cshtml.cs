using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Maintenance;
using Signpost.Web.Infrastructure;
using Signpost.Web.Maintenance;

namespace Signpost.Web.Pages;

/// <summary>
/// <c>/status</c>, without sign-in: is there maintenance now (on time, or overrunning), what is planned,
/// and the last 90 days as a strip of bars with the same facts in a table. <c>?org=slug</c> narrows single
/// sign-on windows to one practice, as on the feeds.
/// </summary>
public sealed class StatusModel(
    IOrganizationStore organizations,
    MaintenanceBoard board,
    DowntimeProcedure procedure,
    IOptions<SignpostOptions> options) : PageModel
{
    public StatusScope Scope { get; private set; } = StatusScope.Everyone;
    public MaintenanceSnapshot Snapshot { get; private set; } = null!;
    public IReadOnlyList<DayBar> Days { get; private set; } = [];
    public bool ProcedureExists { get; private set; }
    public string CalendarUrl { get; private set; } = "";

    /// <summary>The practice's own zone, for a second column of times; null when not filtered or the practice is on UTC.</summary>
    public TimeZoneInfo? PracticeZone { get; private set; }

    /// <summary>Windows that ran in the last 90 days, most recent first: those running now, then the finished ones.</summary>
    public IReadOnlyList<MaintenanceWindow> History => [.. Snapshot.Current.OrderByDescending(w => w.StartsAt), .. Snapshot.Recent];

    public async Task<IActionResult> OnGetAsync(string? org, CancellationToken cancellationToken)
    {
        if (await StatusScope.ResolveAsync(org, organizations, cancellationToken) is not { } scope)
        {
            return NotFound();
        }

        Scope = scope;
        PracticeZone = MaintenanceWording.Zone(scope.Organization?.TimeZone);
        Snapshot = await board.ReadAsync(scope.Audience, cancellationToken);
        Days = DayStrip.Build(Snapshot);
        ProcedureExists = await procedure.ExistsAsync(cancellationToken);
        CalendarUrl = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/status.ics{scope.Query}";
        return Page();
    }

    public string What(MaintenanceWindow window) => MaintenanceWording.What(window, Scope.OwnerOf(window)?.Name);

    public string Headline(MaintenanceWindow window) => MaintenanceWording.Headline(window, Scope.OwnerOf(window)?.Name, Snapshot.Now);
}

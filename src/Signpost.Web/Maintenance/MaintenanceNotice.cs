using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Maintenance;

/// <summary>
/// The maintenance banner: every window that concerns the reader, from
/// <see cref="SignpostOptions.MaintenanceNoticeLeadHours"/> before it starts until the work is finished.
/// On a practice's sign-in page the reader is that practice; after sign-in, the practices they belong to;
/// on the generic sign-in page nobody in particular (portal and sign-in windows only).
/// A page asks <see cref="FindAsync"/> and renders <see cref="ViewPath"/> only when there is something to show:
/// most pages have no window to announce, and a view component's activation, invoker and view lookup cost a
/// signed-in page about a tenth of its CPU to print nothing (docs/capacity.md, "A signed-in page").
/// </summary>
public static class MaintenanceNotice
{
    public const string ViewPath = "~/Pages/Shared/_MaintenanceNotice.cshtml";

    /// <summary>What the banner shows on this page, or null when no window concerns the reader now.</summary>
    /// <param name="context">The page's request.</param>
    /// <param name="organization">The practice whose sign-in page this is, if any.</param>
    /// <param name="signedIn">Show the windows of the signed-in person's practices.</param>
    public static async Task<MaintenanceNoticeView?> FindAsync(HttpContext context, Organization? organization, bool signedIn)
    {
        var cancellationToken = context.RequestAborted;
        var services = context.RequestServices;
        var leadTime = TimeSpan.FromHours(services.GetRequiredService<IOptions<SignpostOptions>>().Value.MaintenanceNoticeLeadHours);

        // Most pages have no window to announce to anyone: then whose practices the reader acts for is not worked out.
        // The node's fresh copy answers that when there is one, so such a page builds no board, store or database context.
        var anyNotice = services.GetService<MaintenanceCache>()?.FreshBoard(MaintenanceBoard.History, MaintenanceBoard.Horizon) is { } copy
            ? MaintenanceBoard.AnyNoticeWithin(copy, services.GetRequiredService<TimeProvider>().GetUtcNow(), leadTime)
            : await services.GetRequiredService<MaintenanceBoard>().AnyNoticeWithinAsync(leadTime, cancellationToken);
        if (!anyNotice)
        {
            return null;
        }

        var board = services.GetRequiredService<MaintenanceBoard>();

        IReadOnlyList<Organization> practices = organization is not null ? [organization]
            : signedIn ? await PracticesAsync(context, cancellationToken)
            : [];
        var snapshot = await board.ReadAsync(MaintenanceAudience.Of(practices.Select(p => p.Id)), cancellationToken);
        var windows = snapshot.NoticesWithin(leadTime);
        if (windows.Count == 0)
        {
            return null;
        }

        var items = windows.Select(w => Item(w, practices, snapshot.Now)).ToList();
        var statusHref = organization is null ? "/status" : $"/status?org={Uri.EscapeDataString(organization.Slug)}";
        return new MaintenanceNoticeView(items, statusHref, await services.GetRequiredService<DowntimeProcedure>().ExistsAsync(cancellationToken));
    }

    private static MaintenanceNoticeItem Item(MaintenanceWindow window, IReadOnlyList<Organization> practices, DateTimeOffset now)
    {
        var owner = practices.FirstOrDefault(p => p.Id == window.OrganizationId);
        var concerned = owner is not null ? [owner] : practices;
        var localSpans = concerned
            .Select(p => MaintenanceWording.Zone(p.TimeZone))
            .OfType<TimeZoneInfo>()
            .DistinctBy(z => z.Id)
            .Select(z => MaintenanceWording.Span(window.StartsAt, window.EndsAt, z))
            .ToList();
        return new MaintenanceNoticeItem(
            window.Id,
            window.PhaseAt(now),
            MaintenanceWording.Headline(window, owner?.Name, now),
            MaintenanceWording.StillWorks(window),
            window.StartsAt,
            window.EndsAt,
            MaintenanceWording.Span(window.StartsAt, window.EndsAt, TimeZoneInfo.Utc),
            localSpans,
            window.Message);
    }

    private static async Task<IReadOnlyList<Organization>> PracticesAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (await SignedInAccount.FindAsync(context, cancellationToken) is not { } account)
        {
            return [];
        }

        return account.Memberships.Where(m => m.GivesAccess && m.Organization is not null).Select(m => m.Organization!).ToList();
    }
}

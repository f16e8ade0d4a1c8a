using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Analytics;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Web.Analytics;
using Signpost.Web.Infrastructure;
using Signpost.Web.Platform;

namespace Signpost.Web.Pages.Admin;

/// <summary>
/// The practice console's analytics (docs/analytics.md): the platform page's views for one practice, with
/// "what to do" links. For that practice's admins and platform admins; anyone else — another practice's
/// admin too — gets the 404 of a practice that does not exist, and the attempt is audited.
/// </summary>
public sealed class AnalyticsModel(AdminScope scope, PlatformAdministration platform, IAnalyticsReader reader, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public AnalyticsQuery Query { get; set; } = new();

    public List<(string Field, string Message)> Problems { get; } = [];

    public Organization Organization { get; private set; } = null!;

    public AnalyticsFilter Filter { get; private set; } = null!;

    public AnalyticsView View { get; private set; } = null!;

    /// <summary>Members refused as locked out most often in the last 30 days.</summary>
    public IReadOnlyList<LockedMember> MostLocked { get; private set; } = [];

    /// <summary>How many of the most-locked members the page lists.</summary>
    public const int MostLockedShown = 5;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        if (await LoadAsync(slug, "analytics.read", cancellationToken) is not { } report)
        {
            return NotFound();
        }

        View = new AnalyticsView(report, $"/admin/{Organization.Slug}/analytics?handler=Csv&" + AnalyticsQuery.QueryString(Filter, null), false, ToDo(report));
        MostLocked = await reader.MostLockedAsync(Organization.Id, time.GetUtcNow().AddDays(-30), MostLockedShown, cancellationToken);
        if (Problems.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }

    /// <summary>One table as a CSV file (UTF-8 with a byte-order mark).</summary>
    public async Task<IActionResult> OnGetCsvAsync(string slug, string? table, CancellationToken cancellationToken)
    {
        if (await LoadAsync(slug, "analytics.csv", cancellationToken) is not { } report)
        {
            return NotFound();
        }

        if (Problems.Count > 0 || table is null || table == "practices" || AnalyticsCsv.Write(report, table) is not { } csv)
        {
            return BadRequest(Problems.Count > 0 ? string.Join(" ", Problems.Select(p => $"{p.Field}: {p.Message}")) : "table: not a table of this page.");
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"signpost-{table}-{Filter.From:yyyy-MM-dd}-{Filter.To:yyyy-MM-dd}-{Organization.Slug}.csv");
        return File(AnalyticsCsv.Bytes(csv), "text/csv; charset=utf-8", name);
    }

    /// <summary>The report of the practice; null (after auditing the refusal) when out of reach.</summary>
    private async Task<AnalyticsReport?> LoadAsync(string slug, string attempted, CancellationToken cancellationToken)
    {
        var organization = slug.Length <= 64 ? await platform.FindOrganizationAsync(slug, cancellationToken) : null;
        if (organization is null || !await scope.CanAdministerAsync(organization.Id, cancellationToken))
        {
            if (!scope.IsPlatformAdmin)
            {
                await scope.RefuseAsync(attempted, "organization", organization?.Id.ToString() ?? (slug.Length > AdminScope.MaxTargetLength ? slug[..AdminScope.MaxTargetLength] : slug),
                    organization?.Id, organization is null ? "No practice has this slug." : "Not an admin of this practice.", cancellationToken);
            }

            return null;
        }

        Organization = organization;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(organization.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        Query.Practice = null; // one practice only: the slug in the address decides it
        Filter = Query.Parse(today, organization.Id, Problems);
        return await reader.ReadAsync(Filter, cancellationToken);
    }

    /// <summary>Where the admin acts on what the numbers show.</summary>
    private List<ToDoLink> ToDo(AnalyticsReport report)
    {
        int Count(string code) => report.Reasons.FirstOrDefault(r => r.ReasonCode == code).Count;
        var outside = report.Networks.Where(n => !n.AllowListed).Sum(n => n.Failures);
        return
        [
            new($"Members locked out ({Count(ReasonCodes.AccountLocked)} lock-out refusals in these days)", $"/admin/{Organization.Slug}?status=locked#people",
                "Who is locked now; unlock them, or ask why they lock so often."),
            new($"Expiring and expired passwords ({Count(ReasonCodes.PasswordExpired)} refusals for an expired password)", $"/admin/{Organization.Slug}/credential-audit",
                "The credential audit lists passwords past or near expiry; extend or remind."),
            new($"Browsers below the supported list ({Count(ReasonCodes.BrowserUnsupported)} refusals)", $"/help/codes/{ReasonCodes.BrowserUnsupported}",
                "Which browsers and versions the portal supports, to pass on to the front desk."),
            new($"Networks outside the allow-list ({Count(ReasonCodes.NetworkNotAllowed)} refusals; {outside} failures from networks not on it)", $"/help/codes/{ReasonCodes.NetworkNotAllowed}",
                "Ask the payer's platform team to add an office network, or tell people to use the office one."),
        ];
    }
}

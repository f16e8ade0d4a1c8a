using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Analytics;
using Signpost.Web.Analytics;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Analytics;

/// <summary>
/// <c>/platform/analytics</c>: where sign-in fails across the portal and how often people recover on their
/// own (docs/analytics.md). For payer support and platform admins — hence its own folder, outside the
/// platform-admin-only <c>/Platform</c> pages. Everything is read from the daily aggregates.
/// </summary>
[Authorize(Policy = Authorization.SupportPolicy)]
public sealed class IndexModel(IAnalyticsReader reader, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public AnalyticsQuery Query { get; set; } = new();

    public List<(string Field, string Message)> Problems { get; } = [];

    /// <summary>Up to this many practices, the practice filter is a list; with more, a field for the practice's slug.</summary>
    public const int PracticeListLimit = 200;

    /// <summary>The practices the filter lists (empty when there are more than <see cref="PracticeListLimit"/>).</summary>
    public IReadOnlyList<(Guid Id, string Slug, string Name)> Practices { get; private set; } = [];

    /// <summary>The chosen practice's name (null: all practices).</summary>
    public string? SelectedName { get; private set; }

    public AnalyticsFilter Filter { get; private set; } = null!;

    public AnalyticsView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var report = await ReadAsync(cancellationToken);
        Practices = await reader.PracticesAsync(PracticeListLimit, cancellationToken) ?? [];
        View = new AnalyticsView(report, "/platform/analytics?handler=Csv&" + AnalyticsQuery.QueryString(Filter, SelectedSlug), Filter.OrganizationId is null, []);
        if (Problems.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }

    /// <summary>One table of the page as a CSV file (UTF-8 with a byte-order mark).</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? table, CancellationToken cancellationToken)
    {
        var report = await ReadAsync(cancellationToken);
        if (Problems.Count > 0 || table is null || AnalyticsCsv.Write(report, table) is not { } csv)
        {
            return BadRequest(Problems.Count > 0 ? string.Join(" ", Problems.Select(p => $"{p.Field}: {p.Message}")) : $"table: one of {string.Join(", ", AnalyticsCsv.Tables)}.");
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"signpost-{table}-{Filter.From:yyyy-MM-dd}-{Filter.To:yyyy-MM-dd}{(SelectedSlug is null ? "" : "-" + SelectedSlug)}.csv");
        return File(AnalyticsCsv.Bytes(csv), "text/csv; charset=utf-8", name);
    }

    /// <summary>The chosen practice's slug (null: all practices).</summary>
    public string? SelectedSlug { get; private set; }

    private async Task<AnalyticsReport> ReadAsync(CancellationToken cancellationToken)
    {
        Guid? organization = null;
        if (!string.IsNullOrEmpty(Query.Practice))
        {
            // One indexed look-up, not the list: a platform may have tens of thousands of practices.
            var found = Query.Practice.Length <= 200 ? await reader.PracticeAsync(Query.Practice, cancellationToken) : null;
            if (found is not { } practice)
            {
                Problems.Add((nameof(Query.Practice), "No practice has this slug."));
            }
            else
            {
                organization = practice.Id;
                SelectedSlug = practice.Slug;
                SelectedName = practice.Name;
            }
        }

        Filter = Query.Parse(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), organization, Problems);
        return await reader.ReadAsync(Filter, cancellationToken);
    }
}

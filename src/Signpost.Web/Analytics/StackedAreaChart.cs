using System.Globalization;
using Signpost.Core.Analytics;
using Signpost.Core.Reasons;
using Signpost.Web.Admin;

namespace Signpost.Web.Analytics;

/// <summary>One category's band of the stacked areas: an SVG polygon's points.</summary>
public sealed record AreaBand(ReasonCategory Category, string Points, string Colour, string Title);

/// <summary>A maintenance window drawn over the timeline: a shaded column from its first to its last day.</summary>
public sealed record MaintenanceBand(double X, double Width, string Title);

/// <summary>
/// Root-cause categories of failures over time as stacked areas (docs/analytics.md, "Charts"), drawn by the
/// server on the practice console chart's frame and helpers (<see cref="OutcomeChart"/>: size, colours,
/// labels, text and number writing), with maintenance windows shaded over the days they touched.
/// </summary>
public sealed class StackedAreaChart(AnalyticsReport report)
{
    private const double Right = 8;

    public IReadOnlyList<CategoryDay> Days => report.Days;

    /// <summary>The failure categories that occur at least once, in legend order.</summary>
    public IReadOnlyList<ReasonCategory> Present { get; } =
        [.. OutcomeChart.Categories.Where(c => c != ReasonCategory.Success && report.Days.Any(d => d.Failures.GetValueOrDefault(c) > 0))];

    /// <summary>The highest day's total, at least 1.</summary>
    public int Max { get; } = Math.Max(1, report.Days.Count == 0 ? 0 : report.Days.Max(d => d.Total));

    private static double PlotWidth => OutcomeChart.Width - OutcomeChart.Left - Right;

    private static double PlotHeight => OutcomeChart.Height - OutcomeChart.Top - OutcomeChart.Bottom;

    private static double Baseline => OutcomeChart.Top + PlotHeight;

    private double X(int day) => OutcomeChart.Left + (Days.Count <= 1 ? PlotWidth / 2 : PlotWidth * day / (Days.Count - 1));

    private double Y(int value) => Baseline - (PlotHeight * value / Max);

    /// <summary>The bands bottom-up: each between the running total before it and after it.</summary>
    public IEnumerable<AreaBand> Bands()
    {
        var below = new int[Days.Count];
        foreach (var category in Present)
        {
            var above = Days.Select((d, i) => below[i] + d.Failures.GetValueOrDefault(category)).ToArray();
            var top = Enumerable.Range(0, Days.Count).Select(i => Point(X(i), Y(above[i])));
            var bottom = Enumerable.Range(0, Days.Count).Reverse().Select(i => Point(X(i), Y(below[i])));
            var total = Days.Sum(d => d.Failures.GetValueOrDefault(category));
            yield return new AreaBand(category, string.Join(' ', top.Concat(bottom)), OutcomeChart.Colour(category),
                $"{OutcomeChart.Label(category)}: {total} failure(s) in these days");
            below = above;
        }
    }

    /// <summary>The maintenance windows over the days they touched (UTC days).</summary>
    public IEnumerable<MaintenanceBand> Maintenance()
    {
        if (Days.Count == 0)
        {
            yield break;
        }

        var slot = Days.Count <= 1 ? PlotWidth : PlotWidth / (Days.Count - 1);
        foreach (var window in report.Maintenance)
        {
            // The points (days, or months of a long range) whose days the window touched.
            var (starts, ends) = (DateOnly.FromDateTime(window.StartsAt.UtcDateTime), DateOnly.FromDateTime(window.EndsAt.UtcDateTime));
            var first = Enumerable.Range(0, Days.Count).FirstOrDefault(i => Days[i].LastDay >= starts, Days.Count);
            var last = Enumerable.Range(0, Days.Count).LastOrDefault(i => Days[i].Day <= ends, -1);
            if (last < first)
            {
                continue;
            }

            var x = Math.Max(OutcomeChart.Left, X(first) - (slot / 2));
            var end = Math.Min(OutcomeChart.Width - Right, X(last) + (slot / 2));
            yield return new MaintenanceBand(x, Math.Max(2, end - x),
                $"Maintenance {Stamp(window.StartsAt)} – {Stamp(window.EndsAt)} UTC: {window.Message}");
        }
    }

    /// <summary>Whether the points are calendar months (a long range: docs/analytics.md, "Long ranges").</summary>
    public bool ByMonth => report.Filter.ByMonth;

    /// <summary>"day" or "month": what one point of the chart covers, for its title and table.</summary>
    public string PointName => ByMonth ? "month" : "day";

    /// <summary>X positions and labels for about six points, so labels never overlap.</summary>
    public IEnumerable<(double X, string Text)> DayTicks()
    {
        var every = Math.Max(1, (int)Math.Ceiling(Days.Count / 6.0));
        for (var i = 0; i < Days.Count; i += every)
        {
            yield return (X(i), ByMonth ? Days[i].Day.ToString("MMM yyyy", CultureInfo.InvariantCulture) : Days[i].Day.ToString("MM-dd", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A point's row label in the table: its day, or its month with the days it covers.</summary>
    public static string PointLabel(CategoryDay point, bool byMonth) => !byMonth
        ? OutcomeChart.DayLabel(point.Day)
        : point.Day.ToString("MMMM yyyy", CultureInfo.InvariantCulture)
            + (point.Day.Day == 1 && point.LastDay.AddDays(1).Day == 1 ? "" : $" ({point.Day.Day}–{point.LastDay.Day})");

    public static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Point(double x, double y) => OutcomeChart.N(x) + "," + OutcomeChart.N(y);
}

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
            var first = Math.Max(0, DateOnly.FromDateTime(window.StartsAt.UtcDateTime).DayNumber - Days[0].Day.DayNumber);
            var last = Math.Min(Days.Count - 1, DateOnly.FromDateTime(window.EndsAt.UtcDateTime).DayNumber - Days[0].Day.DayNumber);
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

    /// <summary>X positions and labels for about six days, so labels never overlap.</summary>
    public IEnumerable<(double X, string Text)> DayTicks()
    {
        var every = Math.Max(1, (int)Math.Ceiling(Days.Count / 6.0));
        for (var i = 0; i < Days.Count; i += every)
        {
            yield return (X(i), Days[i].Day.ToString("MM-dd", CultureInfo.InvariantCulture));
        }
    }

    public static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Point(double x, double y) => OutcomeChart.N(x) + "," + OutcomeChart.N(y);
}

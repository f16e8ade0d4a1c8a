using System.Globalization;
using Signpost.Core.Analytics;

namespace Signpost.Web.Analytics;

/// <summary>One cell of the heat map.</summary>
public sealed record HeatCell(double X, double Y, double Size, string Fill, string Title, int Count);

/// <summary>
/// Failures by weekday and hour of the practice's local day (docs/analytics.md, "Charts"): a 7 × 24 grid,
/// darker for more, each cell titled with its count; the table beside it holds every number.
/// </summary>
public sealed class HeatMapChart(AnalyticsReport report)
{
    public const double Left = 40;
    public const double Top = 20;
    public const double Cell = 24;
    public const double Width = Left + (24 * Cell) + 8;
    public const double Height = Top + (7 * Cell) + 4;

    public static readonly IReadOnlyList<string> Weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public int[,] Counts => report.HeatMap;

    public int Max { get; } = Math.Max(1, report.HeatMap.Cast<int>().DefaultIfEmpty(0).Max());

    public IEnumerable<HeatCell> Cells()
    {
        for (var day = 0; day < 7; day++)
        {
            for (var hour = 0; hour < 24; hour++)
            {
                var count = Counts[day, hour];
                yield return new HeatCell(Left + (hour * Cell), Top + (day * Cell), Cell - 2, Fill(count),
                    $"{Weekdays[day]} {hour:00}:00–{hour:00}:59: {count} failure(s)", count);
            }
        }
    }

    /// <summary>From a pale grey (none) to a deep blue (the most), in steps a reader can tell apart.</summary>
    public string Fill(int count)
    {
        if (count == 0)
        {
            return "#f0f2f4";
        }

        string[] steps = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
        var step = Math.Min(steps.Length - 1, (int)Math.Floor((double)count * steps.Length / (Max + 1)));
        return steps[step];
    }

    public static string Hour(int hour) => hour.ToString("00", CultureInfo.InvariantCulture);
}

using System.Globalization;
using Signpost.Core.Reasons;

namespace Signpost.Web.Admin;

/// <summary>One day of the chart: outcomes per reason category.</summary>
public sealed record ChartDay(DateOnly Day, IReadOnlyDictionary<ReasonCategory, int> ByCategory)
{
    public int Total => ByCategory.Values.Sum();
}

/// <summary>How often one reason occurred in the period (the table under the chart links its help page).</summary>
public sealed record ReasonTotal(Reason Reason, int Count);

/// <summary>One rectangle of the SVG: a category's part of a day's bar.</summary>
public sealed record ChartBar(double X, double Y, double Width, double Height, string Colour, string Title);

/// <summary>
/// Sign-in outcomes by reason over time (issue 5, dashboards): stacked bars per day, one colour per
/// reason category, drawn by the server as inline SVG (no script, CSP-safe) and given again as a table for
/// screen readers and for anyone who wants the numbers.
/// </summary>
public sealed class OutcomeChart
{
    public const double Width = 640;
    public const double Height = 220;
    public const double Left = 40;
    public const double Bottom = 24;
    public const double Top = 8;

    /// <summary>Categories in legend order: success first, then the families of docs/design.md §3.</summary>
    public static readonly IReadOnlyList<ReasonCategory> Categories =
    [
        ReasonCategory.Success, ReasonCategory.Credentials, ReasonCategory.AccountState, ReasonCategory.Sso,
        ReasonCategory.Mfa, ReasonCategory.NetworkAndDevice, ReasonCategory.Maintenance, ReasonCategory.Request,
    ];

    private OutcomeChart(IReadOnlyList<ChartDay> days, IReadOnlyList<ReasonTotal> reasons, string timeZone)
    {
        Days = days;
        Reasons = reasons;
        TimeZone = timeZone;
        Max = Math.Max(1, days.Count == 0 ? 0 : days.Max(d => d.Total));
    }

    public IReadOnlyList<ChartDay> Days { get; }

    public IReadOnlyList<ReasonTotal> Reasons { get; }

    /// <summary>The IANA zone the days are counted in (the practice's own).</summary>
    public string TimeZone { get; }

    /// <summary>The tallest bar, at least 1.</summary>
    public int Max { get; }

    public int Total => Days.Sum(d => d.Total);

    /// <summary>The categories that occur at least once (legend and table columns).</summary>
    public IReadOnlyList<ReasonCategory> Present => Categories.Where(c => Days.Any(d => d.ByCategory.GetValueOrDefault(c) > 0)).ToList();

    public static OutcomeChart Build(DateOnly first, int days, IReadOnlyCollection<(DateOnly Day, string ReasonCode)> outcomes, string timeZone)
    {
        var byDay = Enumerable.Range(0, days).Select(i => first.AddDays(i)).Select(day => new ChartDay(day,
            outcomes.Where(o => o.Day == day).GroupBy(o => CategoryOf(o.ReasonCode)).ToDictionary(g => g.Key, g => g.Count()))).ToList();
        var reasons = outcomes.GroupBy(o => o.ReasonCode)
            .Select(g => (Known: ReasonCatalogue.TryGet(g.Key, out var reason), Reason: reason, Count: g.Count()))
            .Where(r => r.Known)
            .Select(r => new ReasonTotal(r.Reason, r.Count))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Reason.Code, StringComparer.Ordinal).ToList();
        return new OutcomeChart(byDay, reasons, timeZone);
    }

    public static ReasonCategory CategoryOf(string code) => ReasonCatalogue.TryGet(code, out var reason) ? reason.Category : ReasonCategory.Request;

    /// <summary>Colours with at least 3:1 contrast against white (WCAG 1.4.11) and apart from each other.</summary>
    public static string Colour(ReasonCategory category) => category switch
    {
        ReasonCategory.Success => "#1a7f37",
        ReasonCategory.Credentials => "#b35900",
        ReasonCategory.AccountState => "#b3261e",
        ReasonCategory.Sso => "#6f42c1",
        ReasonCategory.Mfa => "#0b5cad",
        ReasonCategory.NetworkAndDevice => "#7a6000",
        ReasonCategory.Maintenance => "#57606a",
        _ => "#a3246b",
    };

    public static string Label(ReasonCategory category) => category switch
    {
        ReasonCategory.Success => "Signed in",
        ReasonCategory.Credentials => "Credentials",
        ReasonCategory.AccountState => "Account state",
        ReasonCategory.Sso => "SSO",
        ReasonCategory.Mfa => "MFA",
        ReasonCategory.NetworkAndDevice => "Network & device",
        ReasonCategory.Maintenance => "Maintenance",
        _ => "Request & other",
    };

    /// <summary>The rectangles, bottom-up per day in legend order.</summary>
    public IEnumerable<ChartBar> Bars()
    {
        var plotWidth = Width - Left - 8;
        var plotHeight = Height - Top - Bottom;
        var slot = plotWidth / Math.Max(1, Days.Count);
        for (var i = 0; i < Days.Count; i++)
        {
            var day = Days[i];
            var y = Top + plotHeight;
            foreach (var category in Categories)
            {
                var count = day.ByCategory.GetValueOrDefault(category);
                if (count == 0)
                {
                    continue;
                }

                var h = plotHeight * count / Max;
                y -= h;
                yield return new ChartBar(Left + (i * slot) + (slot * 0.15), y, slot * 0.7, h, Colour(category),
                    $"{DayLabel(day.Day)}: {count} × {Label(category)}");
            }
        }
    }

    /// <summary>X positions and labels for every few days, so labels never overlap.</summary>
    public IEnumerable<(double X, string Text)> DayTicks()
    {
        var slot = (Width - Left - 8) / Math.Max(1, Days.Count);
        var every = Days.Count > 14 ? 5 : 2;
        for (var i = 0; i < Days.Count; i += every)
        {
            yield return (Left + (i * slot) + (slot / 2), Days[i].Day.ToString("MM-dd", CultureInfo.InvariantCulture));
        }
    }

    public static string DayLabel(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// An SVG <c>text</c> element, built here because Razor reserves <c>&lt;text&gt;</c> for itself. The
    /// content is HTML-encoded; the numbers are invariant.
    /// </summary>
    public static Microsoft.AspNetCore.Html.HtmlString Text(double x, double y, string anchor, string content) =>
        new($"<text x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\" font-size=\"11\" fill=\"#1b1f24\">{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(content)}</text>");

    /// <summary>
    /// SVG numbers are written with a dot, whatever the server's culture, to a tenth: "12", "12.5", "-3.2". Written from
    /// the number of tenths rather than by the general formatter's custom format ("0.#"), which formats each double to
    /// fifteen digits first: an analytics page writes a few thousand of these, and that formatter was about a tenth of
    /// the page's CPU (docs/analytics.md, "How fresh a view is", its last paragraphs). A value exactly halfway between
    /// two tenths rounds away from zero; one within a rounding error of halfway may land on either side, as with "0.#".
    /// </summary>
    public static string N(double value)
    {
        if (!double.IsFinite(value) || Math.Abs(value) >= 1e15)
        {
            // No chart draws these; the general formatter still writes them as it always did, never an overflow.
            return value.ToString("0.#", CultureInfo.InvariantCulture);
        }

        var tenths = (long)Math.Round(value * 10, MidpointRounding.AwayFromZero);
        var (whole, tenth) = Math.DivRem(Math.Abs(tenths), 10L);
        var sign = tenths < 0 ? "-" : "";
        return tenth == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{sign}{whole}")
            : string.Create(CultureInfo.InvariantCulture, $"{sign}{whole}.{tenth}");
    }
}

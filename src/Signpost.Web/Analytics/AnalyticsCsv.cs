using System.Globalization;
using System.Text;
using Signpost.Core.Analytics;
using Signpost.Core.CredentialAudits;
using Signpost.Web.Admin;

namespace Signpost.Web.Analytics;

/// <summary>
/// Every table of the analytics views as CSV (docs/analytics.md, "CSV"): RFC 4180 lines, fields escaped as
/// the credential audit's are (<see cref="CredentialAuditCsv.Field"/>, which also defuses formulas), and
/// written as UTF-8 with a byte-order mark so spreadsheet programs read the text right.
/// </summary>
public static class AnalyticsCsv
{
    /// <summary>The tables, by the name the CSV links and <c>signpost report --table</c> use.</summary>
    public static readonly IReadOnlyList<string> Tables = ["summary", "categories", "reasons", "stories", "ways", "practices", "networks", "heatmap", "maintenance"];

    /// <summary>The table as CSV text, or null for a name that is not a table.</summary>
    public static string? Write(AnalyticsReport report, string table)
    {
        var rows = Rows(report, table);
        if (rows is null)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(string.Join(',', row.Select(CredentialAuditCsv.Field))).Append("\r\n");
        }

        return text.ToString();
    }

    /// <summary>The bytes of the file: the UTF-8 byte-order mark, then the text.</summary>
    public static byte[] Bytes(string csv) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)];

    /// <summary>The table as rows of fields, header first (also what <c>signpost report</c> prints).</summary>
    public static IReadOnlyList<string?[]>? Rows(AnalyticsReport report, string table) => table switch
    {
        "summary" => [["figure", "value"], .. Summary(report)],
        // A long range is per calendar month, cut to the range: its month and the first and last day it covers.
        "categories" => report.Filter.ByMonth
            ? [["month", "first_day", "last_day", .. AnalyticsQuery.Categories.Select(Name), "total"],
                .. report.Days.Select(d => (string?[])[d.Day.ToString("yyyy-MM", CultureInfo.InvariantCulture), Day(d.Day), Day(d.LastDay),
                    .. AnalyticsQuery.Categories.Select(c => N(d.Failures.GetValueOrDefault(c))), N(d.Total)])]
            : [["day", .. AnalyticsQuery.Categories.Select(Name), "total"],
                .. report.Days.Select(d => (string?[])[Day(d.Day), .. AnalyticsQuery.Categories.Select(c => N(d.Failures.GetValueOrDefault(c))), N(d.Total)])],
        "reasons" => [["reason_code", "category", "failures"],
            .. report.Reasons.Select(r => (string?[])[r.ReasonCode, Name(OutcomeChart.CategoryOf(r.ReasonCode)), N(r.Count)])],
        "stories" => [["ending", "stories", "mean_seconds_to_recover"],
            .. report.Stories.Select(s => (string?[])[Name(s.Key), N(s.Value), report.MeanTimeToRecover.GetValueOrDefault(s.Key) is { } m ? N((long)m.TotalSeconds) : ""])],
        "ways" => [["way", "stories"], .. report.Ways.Select(w => (string?[])[Name(w.Key), N(w.Value)])],
        "practices" => [["practice", "slug", "failures", "sign_ins"],
            .. report.Practices.Select(p => (string?[])[p.Name, p.Slug, N(p.Failures), N(p.SignIns)])],
        "networks" => [["network", "allow_listed", "failures"],
            .. report.Networks.Select(n => (string?[])[n.Network, n.AllowListed ? "yes" : "no", N(n.Failures)])],
        "heatmap" => [["weekday", .. Enumerable.Range(0, 24).Select(h => "h" + HeatMapChart.Hour(h))],
            .. Enumerable.Range(0, 7).Select(d => (string?[])[HeatMapChart.Weekdays[d], .. Enumerable.Range(0, 24).Select(h => N(report.HeatMap[d, h]))])],
        "maintenance" => [["starts_utc", "ends_utc", "message"],
            .. report.Maintenance.Select(m => (string?[])[StackedAreaChart.Stamp(m.StartsAt), StackedAreaChart.Stamp(m.EndsAt), m.Message])],
        _ => null,
    };

    private static IEnumerable<string?[]> Summary(AnalyticsReport r)
    {
        yield return ["from", Day(r.Filter.From)];
        yield return ["to", Day(r.Filter.To)];
        yield return ["sign_ins", N(r.SignIns)];
        yield return ["failures", N(r.Failures)];
        yield return ["failure_stories", N(r.StoriesTotal)];
        yield return ["self_service_recovery_rate", r.SelfServiceRate is { } rate ? rate.ToString("0.####", CultureInfo.InvariantCulture) : ""];
        yield return ["mean_seconds_to_recover_alone", r.MeanTimeToRecover.GetValueOrDefault(StoryEnding.RecoveredAlone) is { } m ? N((long)m.TotalSeconds) : ""];
        yield return ["help_requests", N(r.HelpRequests)];
        yield return ["incidents", N(r.Incidents)];
        yield return ["help_requests_per_1000_sign_ins", r.HelpRequestsPerThousand is { } h ? h.ToString("0.##", CultureInfo.InvariantCulture) : ""];
        yield return ["incidents_per_1000_sign_ins", r.IncidentsPerThousand is { } i ? i.ToString("0.##", CultureInfo.InvariantCulture) : ""];
    }

    /// <summary>snake_case of an enum name, as the CSV headers and values write them.</summary>
    public static string Name<T>(T value)
        where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}

using Signpost.Core.Analytics;

namespace Signpost.Web.Analytics;

/// <summary>A "what to do" link of the practice view: where the practice admin acts on what the numbers show.</summary>
public sealed record ToDoLink(string Text, string Href, string Why);

/// <summary>
/// What the analytics partial draws: the report, where its CSV files are, and for one practice the "what to
/// do" links. Shared by <c>/platform/analytics</c> and the practice console's analytics page.
/// </summary>
public sealed record AnalyticsView(AnalyticsReport Report, string CsvBase, bool ShowPractices, IReadOnlyList<ToDoLink> ToDo)
{
    public StackedAreaChart Areas { get; } = new(Report);

    public HeatMapChart Heat { get; } = new(Report);

    public string Csv(string table) => $"{CsvBase}&table={table}";
}

using System.Diagnostics.Metrics;
using Signpost.Core.Analytics;

namespace Signpost.Web.Analytics;

/// <summary>
/// The analytics numbers as observable instruments on the "Signpost" meter (docs/analytics.md, "Metrics"),
/// over the last <see cref="Days"/> days of all practices. The figures are those of the last analytics job
/// run — an observation never touches the database — so only the node running the job reports them.
/// </summary>
public sealed class AnalyticsMetrics
{
    /// <summary>The meter's name, shared with the rest of Signpost's instruments.</summary>
    public const string MeterName = Core.Telemetry.SignpostTelemetry.MeterName;

    /// <summary>The trailing window the metrics cover.</summary>
    public const int Days = 30;

    /// <summary>Tag names, prefixed as the rest of Signpost's instruments' are (docs/observability.md).</summary>
    public const string EndingTag = "signpost.story.ending";
    public const string WayTag = "signpost.story.way";
    public const string CategoryTag = "signpost.reason_category";

    private AnalyticsReport? _report;

    public AnalyticsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("signpost.analytics.self_service_recovery_rate", ObserveRate, unit: "1",
            description: $"Failure stories of the last {Days} days recovered without a help request or incident, as a share of all");
        meter.CreateObservableGauge("signpost.analytics.stories", ObserveStories, unit: "{story}",
            description: $"Failure stories of the last {Days} days by how they ended (tag signpost.story.ending, and signpost.story.way for those recovered alone)");
        meter.CreateObservableGauge("signpost.analytics.failures", ObserveFailures, unit: "{failure}",
            description: $"Failed sign-in events of the last {Days} days by root-cause category");
        meter.CreateObservableGauge("signpost.analytics.mean_time_to_recover", ObserveTimeToRecover, unit: "s",
            description: $"Mean time from first failure to sign-in of the last {Days} days' stories, by ending");
        meter.CreateObservableGauge("signpost.analytics.help_requests_per_thousand", () => Per(r => r.HelpRequestsPerThousand), unit: "{request}",
            description: $"Help requests per 1,000 successful sign-ins over the last {Days} days");
        meter.CreateObservableGauge("signpost.analytics.incidents_per_thousand", () => Per(r => r.IncidentsPerThousand), unit: "{incident}",
            description: $"Rule-raised incidents per 1,000 successful sign-ins over the last {Days} days");
    }

    /// <summary>Called by the job after each run.</summary>
    public void Update(AnalyticsReport report) => Volatile.Write(ref _report, report);

    private IEnumerable<Measurement<double>> ObserveRate() =>
        Volatile.Read(ref _report)?.SelfServiceRate is { } rate ? [new Measurement<double>(rate)] : [];

    private IEnumerable<Measurement<double>> Per(Func<AnalyticsReport, double?> figure) =>
        Volatile.Read(ref _report) is { } report && figure(report) is { } value ? [new Measurement<double>(value)] : [];

    private IEnumerable<Measurement<int>> ObserveStories()
    {
        if (Volatile.Read(ref _report) is not { } report)
        {
            yield break;
        }

        foreach (var (ending, count) in report.Stories.Where(s => s.Key != StoryEnding.RecoveredAlone))
        {
            yield return new Measurement<int>(count, new KeyValuePair<string, object?>(EndingTag, Tag(ending.ToString())));
        }

        foreach (var (way, count) in report.Ways)
        {
            yield return new Measurement<int>(count, new(EndingTag, Tag(nameof(StoryEnding.RecoveredAlone))), new(WayTag, Tag(way.ToString())));
        }
    }

    private IEnumerable<Measurement<int>> ObserveFailures()
    {
        if (Volatile.Read(ref _report) is not { } report)
        {
            yield break;
        }

        foreach (var (category, count) in report.CategoryTotals)
        {
            yield return new Measurement<int>(count, new KeyValuePair<string, object?>(CategoryTag, Tag(category.ToString())));
        }
    }

    private IEnumerable<Measurement<double>> ObserveTimeToRecover()
    {
        if (Volatile.Read(ref _report) is not { } report)
        {
            yield break;
        }

        foreach (var (ending, mean) in report.MeanTimeToRecover)
        {
            if (mean is { } value)
            {
                yield return new Measurement<double>(value.TotalSeconds, new KeyValuePair<string, object?>(EndingTag, Tag(ending.ToString())));
            }
        }
    }

    /// <summary>snake_case tag values, as OpenTelemetry's conventions write them.</summary>
    private static string Tag(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

}

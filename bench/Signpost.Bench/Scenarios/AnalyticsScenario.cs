using System.Diagnostics;
using System.Globalization;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;
using Signpost.Bench.Targets;

namespace Signpost.Bench.Scenarios;

/// <summary>
/// The analytics page at the generated size (10 million events; --quick: the small set), docs/analytics.md.
/// <list type="bullet">
/// <item>First count: <c>signpost report</c> on the data set counts every event not yet in the daily
/// aggregates (all of them on a fresh data set) — timed as context, since it happens once.</item>
/// <item><c>GET /platform/analytics</c> for the data set's last 30 days (all practices) and its CSV, as a
/// support agent, alternating with <c>GET /api/v1/events/{traceId}</c> for random events in the same server;
/// p99 ÷ the single-event lookup's p99, goal ≤ 5: the page reads aggregates, never the events.</item>
/// <item>On the server that counts every view, also views whose ranking of practices is not kept at hand
/// (docs/analytics.md, "The practices with the most failures"): another 30-day range, that range by a category
/// and a method, the last week, and the last year, each ÷ the same lookup p99.</item>
/// </list>
/// </summary>
internal sealed class AnalyticsScenario : IScenario
{
    public string Name => "analytics";

    public string Description => "Analytics page and CSV p99 at 10 million events ÷ single-event lookup p99 (and the first count's time).";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var (folder, manifest) = await Scenarios.DatasetAsync(context, cancellationToken);
        var database = DatasetManifest.DatabasePath(folder);
        var to = DateOnly.FromDateTime(manifest.GeneratedAt.UtcDateTime);
        var from = to.AddDays(-29);
        var range = F($"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}");

        // Also ranges that are not the default: the job keeps the default range's ranking at hand, any other range
        // ranks through look-ups for the practices that can still place (docs/analytics.md). 30 days ending 60 days
        // earlier (wholly before the default range: bounded by each practice's failures in the two calendar months
        // it touches); that range under a category and a method together, the narrowest filter the page offers; the
        // last week (inside the default range); the last year (across its first day: bounded by its 13 months).
        var other = F($"from={from.AddDays(-60):yyyy-MM-dd}&to={to.AddDays(-60):yyyy-MM-dd}");
        var views = new (string Label, string Query)[]
        {
            ("a range not the default", other),
            ("that range by a category and a method", other + "&category=Credentials&method=Password"),
            ("the last week", F($"from={to.AddDays(-6):yyyy-MM-dd}&to={to:yyyy-MM-dd}")),
            ("the last year", F($"from={to.AddDays(-364):yyyy-MM-dd}&to={to:yyyy-MM-dd}")),
        };

        // The first count, through the command (it takes the job's lease and loops until caught up).
        using (var phase = ui.Start($"analytics: counting {manifest.Events:N0} events into the daily aggregates"))
        {
            var started = Stopwatch.GetTimestamp();
            var run = await Commands.RunAsync("dotnet", [settings.SignpostDll, "report", "--from", F($"{from:yyyy-MM-dd}"), "--to", F($"{to:yyyy-MM-dd}"), "--format", "csv"],
                settings.NewFolder("analytics-report"), new Dictionary<string, string>
                {
                    ["ConnectionStrings__Signpost"] = $"Data Source={database}",
                    ["Signpost__DataProtection__AllowUnprotectedKeys"] = "true",
                    ["Logging__LogLevel__Default"] = "Warning",
                }, cancellationToken: cancellationToken);
            run.EnsureSuccess("signpost report");
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            phase.Done(F($"{seconds:0.0} s"));
            report.Add(new Figure(Name, F($"First count of {manifest.Events:N0} events into the daily aggregates"), "(context)", seconds,
                F($"{seconds:0.0} s via signpost report"), "—", Verdict.Info, "once per database; later runs count only new events"));
        }

        var count = settings.Pick(300, 60);
        var random = new Random(23);
        var traceIds = new List<string>(count);
        using (var db = SignpostTarget.OpenReadOnly(database))
        {
            while (traceIds.Count < count + 10) // the last ten only for the warm-up
            {
                var id = random.NextInt64(1, manifest.Events + 1);
                if (SignpostTarget.Scalar<string>(db, "SELECT TraceId FROM SignInEvents WHERE Id = $id", ("$id", id)) is { } trace)
                {
                    traceIds.Add(trace);
                }
            }
        }

        // Two servers on the same database, measured alternately: one counts every view from the daily rows
        // (Signpost:Analytics:ReportCache=false, how the page worked before its cache), the other as shipped.
        await using var counting = await StartAsync(settings, database, cache: false, cancellationToken);
        await using var cached = await StartAsync(settings, database, cache: true, cancellationToken);
        var sides = new[] { await SideAsync("counting every view", counting, false, cancellationToken), await SideAsync("cached until the job counts", cached, true, cancellationToken) };

        var failures = 0;
        using (var phase = ui.Start($"analytics: {count} page, CSV and trace-ID requests on each of two servers, alternating"))
        {
            // Both servers past their tiered compiler's first tens of seconds (DiagnosisScenario.WarmUpAsync), on the
            // warm-up's own ten trace IDs.
            await DiagnosisScenario.WarmUpAsync(settings.Seconds(30, 5), 10, async at =>
            {
                foreach (var side in sides)
                {
                    await TimeAsync(side.Client, "/platform/analytics?" + range, side.Cookie, cancellationToken);
                    await TimeAsync(side.Client, "/platform/analytics?handler=Csv&table=categories&" + range, side.Cookie, cancellationToken);
                    await TimeAsync(side.Client, $"/api/v1/events/{traceIds[count + at]}", side.Cookie, cancellationToken);
                    foreach (var view in side.Cached ? Array.Empty<(string Label, string Query)>() : views)
                    {
                        await TimeAsync(side.Client, "/platform/analytics?" + view.Query, side.Cookie, cancellationToken);
                    }
                }
            });

            for (var i = -10; i < count; i++)
            {
                foreach (var side in sides)
                {
                    var (page, pageStatus) = await TimeAsync(side.Client, "/platform/analytics?" + range, side.Cookie, cancellationToken);
                    var (csv, csvStatus) = await TimeAsync(side.Client, "/platform/analytics?handler=Csv&table=categories&" + range, side.Cookie, cancellationToken);
                    var (lookup, lookupStatus) = await TimeAsync(side.Client, $"/api/v1/events/{traceIds[Math.Max(0, i) % count]}", side.Cookie, cancellationToken);
                    var others = new List<(double Milliseconds, int Status)>();
                    foreach (var view in side.Cached ? Array.Empty<(string Label, string Query)>() : views)
                    {
                        others.Add(await TimeAsync(side.Client, "/platform/analytics?" + view.Query, side.Cookie, cancellationToken));
                    }

                    if (i < 0)
                    {
                        continue; // warm-up
                    }

                    failures += (pageStatus == 200 ? 0 : 1) + (csvStatus == 200 ? 0 : 1) + (lookupStatus == 200 ? 0 : 1) + others.Count(o => o.Status != 200);
                    side.Pages.Add(page);
                    for (var v = 0; v < others.Count; v++)
                    {
                        (side.Views.TryGetValue(v, out var times) ? times : side.Views[v] = []).Add(others[v].Milliseconds);
                    }

                    side.Csvs.Add(csv);
                    side.Lookups.Add(lookup);
                }

                if (i % 10 == 0 && i >= 0)
                {
                    phase.Update((double)i / count, F($"{i} done"));
                }
            }

            phase.Done(string.Join("; ", sides.Select(s => F($"{s.Label}: page p99 {P99(s.Pages):0.0} ms, CSV {P99(s.Csvs):0.0} ms, lookup {P99(s.Lookups):0.0} ms")
                + string.Concat(s.Views.Select(v => F($", {views[v.Key].Label} {P99(v.Value):0.0} ms"))))));
        }

        var note = failures > 0 ? F($"{failures} requests did not answer 200") : F($"30 days, all practices ({manifest.Practices:N0}); {count} of each, alternating");
        foreach (var side in sides)
        {
            side.Client.Dispose();
            var (pages, csvs, lookups) = (side.Pages, side.Csvs, side.Lookups);
            report.Add(new Figure(Name, F($"Analytics page p99 at {manifest.Events:N0} events ÷ single-event lookup p99, {side.Label}"), "≤ 5", P99(pages) / P99(lookups),
                F($"{P99(pages):0.0} ms (p50 {Stats.Percentile([.. pages.Order()], 50):0.0}) GET /platform/analytics"), F($"{P99(lookups):0.0} ms (p50 {Stats.Percentile([.. lookups.Order()], 50):0.0}) GET /api/v1/events/{{traceId}}"),
                Figure.AtMost(P99(pages) / P99(lookups), 5), note));
            report.Add(new Figure(Name, F($"Analytics CSV p99 at {manifest.Events:N0} events ÷ single-event lookup p99, {side.Label}"), "≤ 5", P99(csvs) / P99(lookups),
                F($"{P99(csvs):0.0} ms (p50 {Stats.Percentile([.. csvs.Order()], 50):0.0}) ?handler=Csv&table=categories"), F($"{P99(lookups):0.0} ms GET /api/v1/events/{{traceId}}"),
                Figure.AtMost(P99(csvs) / P99(lookups), 5), note));
            foreach (var (v, times) in side.Views)
            {
                var (label, query) = views[v];
                report.Add(new Figure(Name, F($"Analytics page p99 at {manifest.Events:N0} events ÷ single-event lookup p99, {side.Label}, {label}"), "≤ 5", P99(times) / P99(lookups),
                    F($"{P99(times):0.0} ms (p50 {Stats.Percentile([.. times.Order()], 50):0.0}) GET /platform/analytics?{query}"), F($"{P99(lookups):0.0} ms GET /api/v1/events/{{traceId}}"),
                    Figure.AtMost(P99(times) / P99(lookups), 5), note));
            }
        }
    }

    private static async Task<ServerProcess> StartAsync(BenchSettings settings, string database, bool cache, CancellationToken cancellationToken)
    {
        var spec = SignpostTarget.Spec(settings, database, name: cache ? "signpost-analytics-cached" : "signpost-analytics-counting");
        var environment = new Dictionary<string, string>(spec.Environment) { ["Signpost__Analytics__ReportCache"] = cache ? "true" : "false" };
        return await ServerProcess.StartAsync(spec with { Environment = environment }, cancellationToken);
    }

    private static async Task<Side> SideAsync(string label, ServerProcess server, bool cached, CancellationToken cancellationToken)
    {
        var client = Http.Client(server.BaseUri);
        var (session, _) = await SignpostTarget.SignInForCookiesAsync(client, DatasetManifest.SupportUsername, cancellationToken);
        return new Side(label, cached, client, "sp_session=" + session);
    }

    /// <summary>One server's client and timings.</summary>
    private sealed record Side(string Label, bool Cached, HttpClient Client, string Cookie)
    {
        public List<double> Pages { get; } = [];
        /// <summary>The other views' timings, by their index in the scenario's list (the counting side only).</summary>
        public SortedDictionary<int, List<double>> Views { get; } = [];
        public List<double> Csvs { get; } = [];
        public List<double> Lookups { get; } = [];
    }

    private static async Task<(double Milliseconds, int Status)> TimeAsync(HttpClient client, string path, string cookie, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await Http.GetAsync(client, path, cookie, cancellationToken);
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, answer.Status);
    }

    private static double P99(List<double> times) => Stats.Percentile([.. times.Order()], 99);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

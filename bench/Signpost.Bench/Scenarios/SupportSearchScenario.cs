using System.Globalization;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;
using Signpost.Bench.Targets;

namespace Signpost.Bench.Scenarios;

/// <summary>
/// The support console's search box at the generated size (docs/support-console.md): <c>GET /support?q=…</c> as a
/// support agent (cookie session, as the console is used), on a writable copy of the data set. The queries rotate
/// through what callers give the help desk: a trace ID, a provider ID, an email, an NPI (each opens its attempt or
/// account: the answer is the redirect), part of a provider ID (a list: a LIKE over every account) and a practice's
/// slug. Each search alternates with <c>GET /api/v1/events/{traceId}</c> for another random event; the search's p99
/// over the whole rotation (each kind weighing the same) ÷ the lookup's p99, goal ≤ 3, and each kind's own p99 beside it.
/// Twelve searches of every kind, repeated for 30 s, warm the node up first; the measured ones start once the node has printed that it
/// sampled how common each trigram is, which its first partial search sets off (docs/support-console.md, "Common
/// trigrams"). A kind stops after its time budget (90 s at full size), so a slow build cannot hold the full run.
/// </summary>
internal sealed class SupportSearchScenario : IScenario
{
    public string Name => "search";

    public string Description => "Support console search p99 at 10 million events ÷ single-event lookup p99 (goal ≤ 3).";

    private static readonly string[] Kinds = ["trace ID", "provider ID", "email", "NPI", "part of a provider ID", "practice slug"];

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var (folder, manifest) = await Scenarios.DatasetAsync(context, cancellationToken);
        var database = await DatasetCopy.GetAsync(context, folder, cancellationToken);
        var perKind = settings.Pick(50, 10);
        const int warmUp = 12;
        var warmUpTime = settings.Seconds(30, 5);
        var budget = settings.Seconds(90, 30);
        var total = (perKind * Kinds.Length) + warmUp;
        var traces = DiagnosisScenario.SampleFailures(database, manifest, total, seed: 7);
        var looked = DiagnosisScenario.SampleFailures(database, manifest, total, seed: 8);
        var random = new Random(9);
        var emails = new List<string>(total);
        using (var db = SignpostTarget.OpenReadOnly(database))
        {
            while (emails.Count < total)
            {
                emails.Add(SignpostTarget.Scalar<string>(db, "SELECT Email FROM Accounts WHERE NormalizedUsername = $u", ("$u", DatasetManifest.User(random.NextInt64(manifest.Accounts)).ToUpperInvariant())));
            }
        }

        // The node's line saying it sampled how common each trigram is (docs/support-console.md, "Common trigrams"):
        // the measured searches start after it, as a deployed node's do once its first partial search has come.
        var spec = SignpostTarget.Spec(settings, database, name: "signpost-search");
        spec = spec with { Environment = new Dictionary<string, string>(spec.Environment) { ["Logging__LogLevel__Signpost.Data.Search"] = "Information" } };
        await using var server = await ServerProcess.StartAsync(spec, cancellationToken);
        using var client = Http.Client(server.BaseUri);
        var (session, _) = await SignpostTarget.SignInForCookiesAsync(client, DatasetManifest.SupportUsername, cancellationToken);
        var cookie = "sp_session=" + session;

        var searches = Kinds.ToDictionary(k => k, _ => new List<double>(), StringComparer.Ordinal);
        var lookups = new List<double>();
        var unexpected = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var phase = ui.Start($"search: {perKind} searches of each of {Kinds.Length} kinds among {manifest.Accounts:N0} accounts, alternating with lookups"))
        {
            // The warm-up's own searches and lookups, again and again for a while (DiagnosisScenario.WarmUpAsync):
            // only the warm-up's keys, so the measured keys' pages are not read ahead of them.
            await DiagnosisScenario.WarmUpAsync(warmUpTime, warmUp, async at =>
            {
                var (query, _) = Query(Kinds[at % Kinds.Length], traces[at], emails[at], new Random(at), manifest);
                await DiagnosisScenario.TimeAsync(client, "/support?q=" + Uri.EscapeDataString(query), cookie, cancellationToken);
                await DiagnosisScenario.TimeAsync(client, $"/api/v1/events/{looked[at].TraceId}", cookie, cancellationToken);
            });

            for (var i = -warmUp; i < perKind * Kinds.Length; i++)
            {
                var at = i + warmUp;
                var kind = Kinds[at % Kinds.Length];

                // A kind that has used up its time budget is asked no more: its p99 is then of fewer samples, and the
                // mix weighs it the same.
                if (searches[kind].Count > 0 && searches[kind].Sum() > budget.TotalMilliseconds)
                {
                    continue;
                }

                if (i == 0)
                {
                    try
                    {
                        await server.WaitForOutputAsync("common trigrams", TimeSpan.FromSeconds(30), cancellationToken);
                    }
                    catch (BenchException)
                    {
                        // A build from before the sample (--signpost, for a side-by-side run): measured as it is.
                        unexpected["no trigram sample within 30 s"] = 1;
                    }
                }

                var (query, expected) = Query(kind, traces[at], emails[at], random, manifest);
                var (search, searchStatus) = await DiagnosisScenario.TimeAsync(client, "/support?q=" + Uri.EscapeDataString(query), cookie, cancellationToken);
                var (lookup, lookupStatus) = await DiagnosisScenario.TimeAsync(client, $"/api/v1/events/{looked[at].TraceId}", cookie, cancellationToken);
                if (i < 0)
                {
                    continue;
                }

                if (searchStatus != expected)
                {
                    var key = F($"{kind} answered {searchStatus}, not {expected}");
                    unexpected[key] = unexpected.GetValueOrDefault(key) + 1;
                }

                if (lookupStatus != 200)
                {
                    unexpected["lookup not 200"] = unexpected.GetValueOrDefault("lookup not 200") + 1;
                }

                searches[kind].Add(search);
                lookups.Add(lookup);
                if (i % 12 == 0)
                {
                    phase.Update((double)i / (perKind * Kinds.Length), F($"{i} done"));
                }
            }

            phase.Done(F($"search p99 {Weighted(searches, 99):0.0} ms, lookup p99 {DiagnosisScenario.P(lookups, 99):0.0} ms"));
        }

        var lookupP99 = DiagnosisScenario.P(lookups, 99);
        var searchP99 = Weighted(searches, 99);
        var counts = string.Join(", ", searches.Select(k => F($"{k.Key} {k.Value.Count}")));
        var note = (unexpected.Count > 0 ? string.Join("; ", unexpected.Select(u => F($"{u.Key}: {u.Value}"))) + "; " : "")
            + F($"searches of each kind: {counts} (up to {perKind}, or {budget.TotalSeconds:0} s of one kind); each kind weighs 1/{Kinds.Length} in the p99; alternating with lookups");
        report.Add(new Figure(Name, F($"Support console search p99 at {manifest.Events:N0} events ÷ single-event lookup p99"), "≤ 3", searchP99 / lookupP99,
            F($"{searchP99:0.0} ms (p50 {Weighted(searches, 50):0.0}) GET /support?q="), F($"{lookupP99:0.0} ms (p50 {DiagnosisScenario.P(lookups, 50):0.0}) GET /api/v1/events/{{traceId}}"),
            Figure.AtMost(searchP99 / lookupP99, 3), note));
        foreach (var (kind, times) in searches)
        {
            report.Add(new Figure(Name, F($"— support search by {kind}: p99 ÷ lookup p99"), "(context)", DiagnosisScenario.P(times, 99) / lookupP99,
                F($"{DiagnosisScenario.P(times, 99):0.0} ms (p50 {DiagnosisScenario.P(times, 50):0.0})"), F($"{lookupP99:0.0} ms"), Verdict.Info,
                F($"p99 of {times.Count}")));
        }
    }

    /// <summary>The percentile of the rotation, each kind weighing the same however many samples the budget let it have.</summary>
    private static double Weighted(Dictionary<string, List<double>> byKind, double p)
    {
        var kinds = byKind.Values.Count(v => v.Count > 0);
        var weighted = byKind.Values.Where(v => v.Count > 0)
            .SelectMany(v => v.Select(t => (Time: t, Weight: 1.0 / (v.Count * kinds))))
            .OrderBy(x => x.Time)
            .ToList();
        var cumulative = 0.0;
        foreach (var (time, weight) in weighted)
        {
            cumulative += weight;
            if (cumulative >= (p / 100) - 1e-9)
            {
                return time;
            }
        }

        return weighted.Count > 0 ? weighted[^1].Time : double.NaN;
    }

    /// <summary>The query for one kind and the status its answer should have (302: it opens one attempt, account or practice).</summary>
    private static (string Query, int Status) Query(string kind, DiagnosisScenario.Attempt attempt, string email, Random random, DatasetManifest manifest)
    {
        var user = random.NextInt64(manifest.Accounts);
        return kind switch
        {
            "trace ID" => (attempt.TraceId, 302),
            "provider ID" => (DatasetManifest.User(user), 302),
            "email" => (email, 302),
            "NPI" => (DataGenerator.NpiFor(user - (user % 3))!, 302),
            "part of a provider ID" => (DatasetManifest.User(user)[..^1], 200),
            _ => (F($"p{random.Next(manifest.Practices):D5}"), 200),
        };
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Globalization;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;
using Signpost.Bench.Targets;

namespace Signpost.Bench.Scenarios;

/// <summary>
/// The troubleshooter at the generated size (1 million accounts, 10 million events; --quick: the small set),
/// docs/troubleshooter.md. Signpost runs on a writable copy of the data set (<see cref="DatasetCopy"/>); a support
/// agent (<c>bench.support</c>, signed in through the API as support signs in) asks, for random failed attempts
/// on accounts, one request after another:
/// <list type="bullet">
/// <item><c>GET /api/v1/diagnoses/{traceId}</c> — the attempt's diagnosis;</item>
/// <item><c>GET /api/v1/accounts/{id}/diagnosis?from=&amp;to=</c> — the account's, over the 24 hours up to an hour
/// after that attempt (the default range, as on the day the person called), and over 31 days (the widest range) as context;</item>
/// <item><c>GET /api/v1/events/{traceId}</c> — the single-event lookup, the denominator.</item>
/// </list>
/// Each diagnosis p99 ÷ the lookup's p99, goal ≤ 3.
/// </summary>
internal sealed class DiagnosisScenario : IScenario
{
    public string Name => "diagnosis";

    public string Description => "Troubleshooter diagnosis p99 (by trace ID and by account) at 1 million accounts and 10 million events ÷ single-event lookup p99 (goal ≤ 3).";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var (folder, manifest) = await Scenarios.DatasetAsync(context, cancellationToken);
        var database = await DatasetCopy.GetAsync(context, folder, cancellationToken);
        var count = settings.Pick(300, 60);
        // Three separate samples, so no request finds the pages the one before it read already in the cache.
        const int warmUp = 10;
        var attempts = SampleFailures(database, manifest, count + warmUp, seed: 4);
        var others = SampleFailures(database, manifest, count + warmUp, seed: 5);
        var looked = SampleFailures(database, manifest, count + warmUp, seed: 6);
        var months = SampleFailures(database, manifest, count + warmUp, seed: 3);

        await using var server = await SignpostTarget.StartAsync(settings, database, cancellationToken, name: "signpost-diagnosis");
        using var client = Http.Client(server.BaseUri);
        var (session, _) = await SignpostTarget.SignInForCookiesAsync(client, DatasetManifest.SupportUsername, cancellationToken);
        var cookie = "sp_session=" + session;

        var traces = new List<double>(count);
        var accounts = new List<double>(count);
        var monthly = new List<double>(count);
        var lookups = new List<double>(count);
        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var phase = ui.Start($"diagnosis: {count} attempts and accounts diagnosed among {manifest.Events:N0} events, alternating with lookups"))
        {
            await WarmUpAsync(settings.Seconds(30, 5), warmUp, async at =>
            {
                await TimeAsync(client, $"/api/v1/diagnoses/{attempts[at].TraceId}", cookie, cancellationToken);
                await TimeAsync(client, $"/api/v1/accounts/{others[at].AccountId}/diagnosis", cookie, cancellationToken);
                await TimeAsync(client, $"/api/v1/events/{looked[at].TraceId}", cookie, cancellationToken);
            });
            for (var i = -warmUp; i < count; i++)
            {
                var at = i + warmUp;
                var other = others[at];
                var from = other.At.AddHours(-23).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                var to = other.At.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                var (trace, traceStatus) = await TimeAsync(client, $"/api/v1/diagnoses/{attempts[at].TraceId}", cookie, cancellationToken);
                var (account, accountStatus) = await TimeAsync(client, $"/api/v1/accounts/{other.AccountId}/diagnosis?from={from}&to={to}", cookie, cancellationToken);
                var (lookup, lookupStatus) = await TimeAsync(client, $"/api/v1/events/{looked[at].TraceId}", cookie, cancellationToken);
                var month = months[at];
                var (monthLong, monthStatus) = await TimeAsync(client,
                    F($"/api/v1/accounts/{month.AccountId}/diagnosis?from={month.At.AddDays(-30).AddHours(-23):yyyy-MM-ddTHH:mm:ss.fffZ}&to={month.At.AddHours(1):yyyy-MM-ddTHH:mm:ss.fffZ}"),
                    cookie, cancellationToken);
                if (i < 0)
                {
                    continue; // warm-up
                }

                Count(failures, "trace diagnosis", traceStatus);
                Count(failures, "account diagnosis", accountStatus);
                Count(failures, "lookup", lookupStatus);
                Count(failures, "31-day account diagnosis", monthStatus);
                monthly.Add(monthLong);
                traces.Add(trace);
                accounts.Add(account);
                lookups.Add(lookup);
                if (i % 10 == 0)
                {
                    phase.Update((double)i / count, F($"{i} done"));
                }
            }

            phase.Done(F($"trace p99 {P(traces, 99):0.0} ms, account p99 {P(accounts, 99):0.0} ms, lookup p99 {P(lookups, 99):0.0} ms"));
        }

        var note = failures.Count > 0
            ? "not 200: " + string.Join(", ", failures.Select(f => F($"{f.Key} {f.Value}")))
            : F($"{count} random failed attempts on accounts, one request at a time, alternating; {manifest.Accounts:N0} accounts");
        report.Add(new Figure(Name, F($"Diagnosis by trace ID p99 at {manifest.Events:N0} events ÷ single-event lookup p99"), "≤ 3", P(traces, 99) / P(lookups, 99),
            F($"{P(traces, 99):0.0} ms (p50 {P(traces, 50):0.0}) GET /api/v1/diagnoses/{{traceId}}"), F($"{P(lookups, 99):0.0} ms (p50 {P(lookups, 50):0.0}) GET /api/v1/events/{{traceId}}"),
            Figure.AtMost(P(traces, 99) / P(lookups, 99), 3), note));
        report.Add(new Figure(Name, F($"Diagnosis by account (24 hours) p99 at {manifest.Events:N0} events ÷ single-event lookup p99"), "≤ 3", P(accounts, 99) / P(lookups, 99),
            F($"{P(accounts, 99):0.0} ms (p50 {P(accounts, 50):0.0}) GET /api/v1/accounts/{{id}}/diagnosis"), F($"{P(lookups, 99):0.0} ms GET /api/v1/events/{{traceId}}"),
            Figure.AtMost(P(accounts, 99) / P(lookups, 99), 3), note));
        report.Add(new Figure(Name, F($"— by account over the longest range (31 days) p99 ÷ single-event lookup p99"), "(context)", P(monthly, 99) / P(lookups, 99),
            F($"{P(monthly, 99):0.0} ms (p50 {P(monthly, 50):0.0})"), F($"{P(lookups, 99):0.0} ms"), Verdict.Info, "the widest range the API takes"));
    }

    /// <summary>A failed attempt on an account: what support is asked about.</summary>
    internal sealed record Attempt(string TraceId, string AccountId, DateTimeOffset At);

    /// <summary><paramref name="count"/> random failed attempts that name an account (by random event id, reproducible by <paramref name="seed"/>).</summary>
    internal static List<Attempt> SampleFailures(string database, DatasetManifest manifest, int count, int seed)
    {
        var random = new Random(seed);
        var attempts = new List<Attempt>(count);
        using var db = SignpostTarget.OpenReadOnly(database);
        using var command = db.CreateCommand();
        command.CommandText = "SELECT TraceId, AccountId, OccurredAt FROM SignInEvents WHERE Id = $id AND Succeeded = 0 AND AccountId IS NOT NULL";
        var id = command.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Integer);
        for (var tries = 0; attempts.Count < count; tries++)
        {
            if (tries > count * 100)
            {
                throw new BenchException("The data set has too few failed attempts on accounts to sample: regenerate it.");
            }

            id.Value = random.NextInt64(1, manifest.Events + 1);
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                attempts.Add(new Attempt(reader.GetString(0), reader.GetString(1).ToLowerInvariant(), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
            }
        }

        return attempts;
    }

    /// <summary>
    /// Runs <paramref name="round"/> for 0, 1, 2, … (modulo <paramref name="keys"/>, the warm-up's own keys) until
    /// <paramref name="time"/> has passed. A node's tiered compiler recompiles its hot code for some tens of seconds
    /// after a start, on the same two cores as the requests; the figures are of a node past that, as a deployed node
    /// is for all but its first minute (the cold start is a figure of its own). BENCHMARKS.md, "Warm-up".
    /// </summary>
    internal static async Task WarmUpAsync(TimeSpan time, int keys, Func<int, Task> round)
    {
        var clock = Stopwatch.StartNew();
        for (var at = 0; clock.Elapsed < time; at = (at + 1) % keys)
        {
            await round(at);
        }
    }

    internal static async Task<(double Milliseconds, int Status)> TimeAsync(HttpClient client, string path, string? cookie, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await Http.GetAsync(client, path, cookie, cancellationToken);
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, answer.Status);
    }

    private static void Count(Dictionary<string, int> failures, string what, int status)
    {
        if (status != 200)
        {
            var key = F($"{what} {status}");
            failures[key] = failures.GetValueOrDefault(key) + 1;
        }
    }

    internal static double P(List<double> times, double p) => Stats.Percentile([.. times.Order()], p);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;
using Signpost.Bench.Targets;
using Signpost.Core.Passwords;

namespace Signpost.Bench.Scenarios;

/// <summary>
/// Credential-stuffing fairness. Legitimate users (legit.NN), each from an address of their own
/// (127.0.1.x) and holding the trusted-device cookie their first sign-in gave them, sign in again and
/// again with a pause of 1.5–3.5 s, first alone (the unloaded baseline), then under a flood: a closed loop
/// of wrong-password attempts from 245 loopback addresses (127.0.0.10–254, bound by the client), half at
/// the legitimate users' own accounts (so their untrusted-browser counters lock), a third at other
/// accounts and the rest at identifiers no account has. The server keeps its default per-address limit
/// (60 attempts a minute). The flood's workers are many times what the cores can hash, so the server
/// runs at its ceiling: the highest rate it sustains.
/// </summary>
internal sealed class StuffingScenario : IScenario
{
    private const int FirstFloodHost = 10;

    public string Name => "stuffing";

    public string Description => "Trusted-device users signing in during a wrong-password flood from many addresses.";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var database = await SignpostTarget.SeedAsync(settings, ui, cancellationToken);
        await using var server = await SignpostTarget.StartAsync(settings, database, cancellationToken, permitsPerMinute: 60);

        var legitCount = settings.Pick(8, 6);
        var floodWorkers = settings.Pick(32, 16);
        var floodHosts = Enumerable.Range(FirstFloodHost, 255 - FirstFloodHost).Select(h => IPAddress.Parse($"127.0.0.{h}")).ToArray();
        var floodClients = floodHosts.Select(a => Http.Client(server.BaseUri, a, maxConnections: 8)).ToArray();
        var legitClients = Enumerable.Range(0, legitCount).Select(i => Http.Client(server.BaseUri, IPAddress.Parse($"127.0.1.{10 + i}"))).ToArray();
        try
        {
            // Each person's first sign-in, unhurried: it gives their browser the trusted-device cookie.
            var devices = new string[legitCount];
            using (var phase = ui.Start("stuffing: legitimate users' first sign-in"))
            {
                for (var i = 0; i < legitCount; i++)
                {
                    var (_, device) = await SignpostTarget.SignInForCookiesAsync(legitClients[i], DatasetManifest.Legit(i), cancellationToken);
                    devices[i] = $"{device.Key}={device.Value}";
                    phase.Update((i + 1.0) / legitCount, $"{i + 1}/{legitCount}");
                }

                phase.Done("each holds a trusted-device cookie");
            }

            var lockedAnswered = new int[legitCount];
            async Task<string> Legit(int i, Random random, CancellationToken ct)
            {
                var answer = await SignpostTarget.SignInAsync(legitClients[i], DatasetManifest.Legit(i), BenchSettings.Password, devices[i], ct);
                if (answer.Code == "account_locked")
                {
                    Interlocked.Exchange(ref lockedAnswered[i], 1);
                }

                return answer.Label;
            }

            static TimeSpan Think(Random random) => TimeSpan.FromSeconds(1.5 + (2 * random.NextDouble()));

            // The unloaded baseline.
            var baseline = await PhaseAsync(ui, "stuffing: legitimate users alone", settings.Seconds(2, 1), settings.Seconds(40, 8), null, cancellationToken,
                (window, ct) => Load.Start("legit (alone)", window, legitCount, Legit, ct, Think));

            // The ceiling this machine hashes at, measured now, to say how hard the flood pushed.
            var hashing = new PasswordHashing(Options.Create(new PasswordHashingOptions()));
            var raw = await HashCeilingScenario.RawAsync(ui, "stuffing: raw PBKDF2 on all cores", hashing, hashing.Hash(BenchSettings.Password), settings.Seconds(4, 2), 4 * Environment.ProcessorCount, cancellationToken);

            Task<string> Flood(int worker, Random random, CancellationToken ct)
            {
                var client = floodClients[random.Next(floodClients.Length)];
                var pick = random.NextDouble();
                var identifier = pick < 0.5 ? DatasetManifest.Legit(random.Next(legitCount))
                    : pick < 0.8 ? DatasetManifest.User(random.Next(DatasetPlan.Seed().Accounts))
                    : $"ghost{random.Next(1_000_000)}";
                return HashCeilingScenario.Label(SignpostTarget.SignInAsync(client, identifier, "Summer2026!" + random.Next(10_000), null, ct));
            }

            var window = new MeasurementWindow();
            var results = await PhaseAsync(ui, "stuffing: legitimate users during the flood", settings.Seconds(6, 3), settings.Seconds(60, 10), window, cancellationToken,
                (w, ct) => Load.Start("flood", w, floodWorkers, Flood, ct),
                (w, ct) => Load.Start("legit (flood)", w, legitCount, Legit, ct, Think));
            var flood = results[0];
            var legit = results[1];
            var alone = baseline[0];

            // What the flood cost the server, from its own events: every attempt not refused by the rate limiter was hashed.
            using var db = SignpostTarget.OpenReadOnly(database);
            var floodEvents = SignpostTarget.Counts(db,
                "SELECT ReasonCode, COUNT(*) FROM SignInEvents WHERE OccurredAt >= $from AND OccurredAt < $to AND ClientIp LIKE '127.0.0.%' GROUP BY ReasonCode",
                ("$from", window.OpenedAtUtc.ToUnixTimeMilliseconds()), ("$to", window.ClosedAtUtc.ToUnixTimeMilliseconds()));
            var seconds = (window.ClosedAtUtc - window.OpenedAtUtc).TotalSeconds;
            var refused = floodEvents.Where(e => e.Key is "rate_limited" or "invalid_request").Sum(e => e.Count);
            var arrivedPerSecond = floodEvents.Sum(e => e.Count) / seconds;
            var hashedPerSecond = (floodEvents.Sum(e => e.Count) - refused) / seconds;

            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var legitNames = Enumerable.Range(0, legitCount).Select(i => $"'{DatasetManifest.Legit(i).ToUpperInvariant()}'");
            var locks = SignpostTarget.Counts(db,
                "SELECT a.NormalizedUsername || CASE WHEN c.DeviceKey = '*' THEN ' *' ELSE ' device' END, COUNT(*) FROM LockoutCounters c JOIN Accounts a ON a.Id = c.AccountId " +
                $"WHERE a.NormalizedUsername IN ({string.Join(", ", legitNames)}) AND c.LockedUntil > $now GROUP BY 1", ("$now", now));
            var untrustedLocked = locks.Count(l => l.Key.EndsWith(" *", StringComparison.Ordinal));
            var lockedOutUsers = Enumerable.Range(0, legitCount).Count(i => lockedAnswered[i] == 1
                || locks.Any(l => l.Key == DatasetManifest.Legit(i).ToUpperInvariant() + " device"));

            var succeeded = legit.Count(l => l == "200 signed_in");
            var lockedAnswers = legit.Count(l => l.EndsWith("account_locked", StringComparison.Ordinal));
            var successRate = legit.Started == 0 ? 0 : (double)succeeded / legit.Started;
            report.Add(new Figure(Name, "Stuffing: legitimate success rate during the flood", "100%", successRate,
                F($"{succeeded} signed in"), F($"{legit.Started} attempts by {legitCount} users"), successRate >= 1 ? Verdict.Met : Verdict.Missed,
                legit.Outcomes.Count > 1 ? "answers: " + legit.Describe() : null));

            var p99Ratio = legit.Percentile(99) / alone.Percentile(99);
            report.Add(new Figure(Name, "Stuffing: legitimate p99 during the flood ÷ unloaded p99", "≤ 2", p99Ratio,
                F($"{legit.Percentile(99):0} ms (p50 {legit.Percentile(50):0})"), F($"{alone.Percentile(99):0} ms (p50 {alone.Percentile(50):0}; {alone.Started} sign-ins)"),
                Figure.AtMost(p99Ratio, 2)));

            report.Add(new Figure(Name, "Stuffing: legitimate users locked out ÷ legitimate users", "0", (double)lockedOutUsers / legitCount,
                F($"{lockedOutUsers} locked out ({lockedAnswers} locked answers)"), F($"{legitCount} users"),
                lockedOutUsers == 0 ? Verdict.Met : Verdict.Missed,
                F($"meanwhile the flood locked {untrustedLocked} of their {legitCount} accounts for untrusted browsers")));

            // Both sides from the server's own events (an attempt refused by the limiter is an event too), so one clock counts both.
            report.Add(new Figure(Name, "Stuffing: hashes the flood forced per second ÷ attempts it sent per second", "(cost)", hashedPerSecond / arrivedPerSecond,
                F($"{hashedPerSecond:0.00} hashes/s"), F($"{arrivedPerSecond:0.00} attempts/s from {floodHosts.Length} addresses, {floodWorkers} workers"), Verdict.Info,
                F($"{refused} rate-limited; the client counted {flood.Rate:0.00} sent/s; answers: {flood.Describe()}")));
            report.Add(new Figure(Name, "Stuffing: server's sign-in rate under the flood ÷ raw hash ceiling", "(context)", (hashedPerSecond + legit.Rate) / raw.Rate,
                F($"{hashedPerSecond + legit.Rate:0.00} hashed attempts/s"), F($"{raw.Rate:0.00} raw verifications/s"), Verdict.Info,
                "near 1: the flood ran the server at its ceiling"));
        }
        finally
        {
            foreach (var client in floodClients.Concat(legitClients))
            {
                client.Dispose();
            }
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts the loads, warms up, measures in one window, drains; the bar shows the legitimate users' live p99.</summary>
    private static async Task<LoadResult[]> PhaseAsync(Ui ui, string name, TimeSpan warmUp, TimeSpan measure, MeasurementWindow? window,
        CancellationToken cancellationToken, params Func<MeasurementWindow, CancellationToken, Load>[] starts)
    {
        using var phase = ui.Start(name);
        window ??= new MeasurementWindow();
        var loads = starts.Select(start => start(window, cancellationToken)).ToArray();
        var total = warmUp + measure;
        await Ui.WaitAsync(phase, warmUp, () => "warming up", cancellationToken, 0, warmUp / total);
        window.OpenNow();
        await Ui.WaitAsync(phase, measure, () => string.Join(", ", loads.Select((l, i) => i == loads.Length - 1
            ? F($"legit p99 {l.LivePercentile(99):0} ms")
            : F($"flood {l.CurrentRate:0.0}/s"))), cancellationToken, warmUp / total, 1);
        window.CloseNow();
        // The last load (the legitimate users) finishes first, so the flood still runs while their last attempts finish.
        var results = new LoadResult[loads.Length];
        for (var i = loads.Length - 1; i >= 0; i--)
        {
            results[i] = await loads[i].FinishAsync(TimeSpan.FromMinutes(3));
        }

        phase.Done(string.Join("; ", results.Select(r => F($"{r.Name} {r.Rate:0.0}/s p99 {r.Percentile(99):0} ms"))));
        return results;
    }
}

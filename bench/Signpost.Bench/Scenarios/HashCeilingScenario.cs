using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;
using Signpost.Bench.Targets;
using Signpost.Core.Passwords;

namespace Signpost.Bench.Scenarios;

/// <summary>
/// Hash ceiling: password sign-ins per second through the API on all cores ÷ raw password verifications
/// per second with the same hasher (Signpost.Core's <see cref="PasswordHashing"/>, Identity V3,
/// PBKDF2-HMAC-SHA512, 210,000 iterations) on all cores, in this process, while the server idles.
/// Raw and API phases alternate; each API phase is divided by the mean of the raw phases on either side,
/// so a neighbour's load that comes and goes shifts both sides of a ratio alike.
/// </summary>
internal sealed class HashCeilingScenario : IScenario
{
    public string Name => "hash";

    public string Description => "Sign-ins per second ÷ raw PBKDF2 verifications per second on all cores (goal ≥ 0.9).";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var database = await SignpostTarget.SeedAsync(settings, ui, cancellationToken);
        await using var server = await SignpostTarget.StartAsync(settings, database, cancellationToken);
        using var client = Http.Client(server.BaseUri);

        var hashing = new PasswordHashing(Options.Create(new PasswordHashingOptions()));
        var stored = hashing.Hash(BenchSettings.Password);
        var workers = 4 * Environment.ProcessorCount;
        var rounds = settings.Pick(3, 1);
        var warmUp = settings.Seconds(3, 2);
        var measure = settings.Seconds(8, 4);
        var rawMeasure = settings.Seconds(6, 3);

        var raws = new List<RawResult> { await RawAsync(ui, "hash: raw PBKDF2 on all cores (1)", hashing, stored, rawMeasure, workers, cancellationToken) };
        var good = new List<(LoadResult Load, TimeSpan Cpu)>();
        var bad = new List<(LoadResult Load, TimeSpan Cpu)>();
        for (var round = 0; round < rounds; round++)
        {
            good.Add(await MeasureWithCpuAsync(ui, server, $"hash: successful sign-ins (round {round + 1})", workers, warmUp, measure,
                (i, _, ct) => Label(SignpostTarget.SignInAsync(client, DatasetManifest.Legit(i % DatasetPlan.LegitUsers), BenchSettings.Password, null, ct)),
                cancellationToken));
            bad.Add(await MeasureWithCpuAsync(ui, server, $"hash: wrong-password sign-ins (round {round + 1})", workers, warmUp, measure,
                (_, random, ct) => Label(SignpostTarget.SignInAsync(client, DatasetManifest.User(random.Next(DatasetPlan.Seed().Accounts)), "not the password " + random.Next(), null, ct)),
                cancellationToken));
            raws.Add(await RawAsync(ui, $"hash: raw PBKDF2 on all cores ({round + 2})", hashing, stored, rawMeasure, workers, cancellationToken));
        }

        var rawAround = Enumerable.Range(0, rounds).Select(r => (raws[r].Rate + raws[r + 1].Rate) / 2).ToArray();
        var goodRatio = Stats.Median(good.Select((g, r) => g.Load.Rate / rawAround[r]));
        var badRatio = Stats.Median(bad.Select((b, r) => b.Load.Rate / rawAround[r]));
        var rawRate = Stats.Median(raws.Select(r => r.Rate));
        var goodRate = Stats.Median(good.Select(g => g.Load.Rate));
        var badRate = Stats.Median(bad.Select(b => b.Load.Rate));
        var cores = Environment.ProcessorCount;

        CheckOutcomes(good.Select(g => g.Load), "signed_in", report, "successful");
        CheckOutcomes(bad.Select(b => b.Load), "invalid_credentials", report, "wrong-password");

        report.Add(new Figure(Name, "Hash ceiling: successful sign-ins/s ÷ raw hashes/s", "≥ 0.9", goodRatio,
            F($"{goodRate:0.00} sign-ins/s (API, {workers} clients)"), F($"{rawRate:0.00} verifications/s ({workers} threads on {cores} cores)"),
            Figure.AtLeast(goodRatio, 0.9), F($"median of {rounds} round(s), each ÷ the raw phases either side")));
        report.Add(new Figure(Name, "Hash ceiling: wrong-password sign-ins/s ÷ raw hashes/s", "≥ 0.9", badRatio,
            F($"{badRate:0.00} failures/s"), F($"{rawRate:0.00} verifications/s"), Figure.AtLeast(badRatio, 0.9)));

        // The same question asked of CPU time, which the client's share of the two cores does not blur.
        var cpuPerHash = Stats.Median(raws.Select(r => r.CpuPerHash.TotalMilliseconds));
        var cpuPerSignIn = Stats.Median(good.Select(g => g.Cpu.TotalMilliseconds / Math.Max(1e-9, g.Load.Rate * g.Load.Window.TotalSeconds)));
        var cpuPerFailure = Stats.Median(bad.Select(b => b.Cpu.TotalMilliseconds / Math.Max(1e-9, b.Load.Rate * b.Load.Window.TotalSeconds)));
        report.Add(new Figure(Name, "Hash share of the server's CPU per successful sign-in", "(context)", cpuPerHash / cpuPerSignIn,
            F($"{cpuPerHash:0} ms CPU per raw hash"), F($"{cpuPerSignIn:0} ms server CPU per sign-in"), Verdict.Info));
        report.Add(new Figure(Name, "Hash share of the server's CPU per wrong-password sign-in", "(context)", cpuPerHash / cpuPerFailure,
            F($"{cpuPerHash:0} ms CPU per raw hash"), F($"{cpuPerFailure:0} ms server CPU per failure"), Verdict.Info));
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    internal static async Task<string> Label(Task<Answer> answer) => (await answer).Label;

    private static void CheckOutcomes(IEnumerable<LoadResult> loads, string expected, Report report, string what)
    {
        foreach (var load in loads)
        {
            var unexpected = load.Outcomes.Where(o => !o.Key.EndsWith(expected, StringComparison.Ordinal)).ToList();
            if (unexpected.Count > 0)
            {
                report.Note($"{load.Name}: {what} phase had other answers too: {load.Describe()}");
            }
        }
    }

    internal static async Task<(LoadResult Load, TimeSpan Cpu)> MeasureWithCpuAsync(Ui ui, ServerProcess server, string name, int workers,
        TimeSpan warmUp, TimeSpan measure, Func<int, Random, CancellationToken, Task<string>> operation, CancellationToken cancellationToken)
    {
        var cpuAtOpen = TimeSpan.Zero;
        var cpuAtClose = TimeSpan.Zero;
        var load = await Load.MeasureAsync(ui, name, workers, warmUp, measure, operation, cancellationToken,
            onOpen: () => cpuAtOpen = server.CpuTime(), onClose: () => cpuAtClose = server.CpuTime());
        return (load, cpuAtClose - cpuAtOpen);
    }

    internal sealed record RawResult(double Rate, TimeSpan CpuPerHash);

    /// <summary>
    /// Verification loops on dedicated threads, as many as the API phases have clients: on a quiet machine
    /// any count from one per core up gives the same rate, and on a shared one the scheduler's share of the
    /// cores follows the number of busy threads, so both sides of the ratio claim the same share. The rate
    /// is threads ÷ mean time per verification (Little's law, as for the API phases).
    /// </summary>
    internal static async Task<RawResult> RawAsync(Ui ui, string name, PasswordHashing hashing, string stored, TimeSpan measure, int threadCount,
        CancellationToken cancellationToken)
    {
        using var phase = ui.Start(name);
        var window = new MeasurementWindow();
        var durations = Enumerable.Range(0, threadCount).Select(_ => new List<double>()).ToArray();
        var past = new bool[threadCount];
        var stopping = false;
        var threads = Enumerable.Range(0, threadCount).Select(index => new Thread(() =>
        {
            Thread.Sleep(50 * index); // staggered, like the clients of the API phases
            while (!Volatile.Read(ref stopping) && !cancellationToken.IsCancellationRequested)
            {
                if (window.IsClosed)
                {
                    Volatile.Write(ref past[index], true);
                }

                var inWindow = window.IsOpen;
                var started = Stopwatch.GetTimestamp();
                if (hashing.Verify(stored, BenchSettings.Password) == PasswordCheck.Wrong)
                {
                    throw new InvalidOperationException("The raw hash loop verified a wrong password.");
                }

                if (inWindow)
                {
                    lock (durations[index])
                    {
                        durations[index].Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    }
                }
            }
        }) { IsBackground = true, Name = "raw-hash" }).ToList();
        threads.ForEach(t => t.Start());

        double Rate()
        {
            var all = durations.SelectMany(d => { lock (d) { return d.ToArray(); } }).ToArray();
            return all.Length == 0 ? 0 : threadCount / all.Average();
        }

        // Warm-up past the stagger, so every thread is mid-hash when the window opens.
        var warmUp = TimeSpan.FromSeconds(2);
        var total = warmUp + measure;
        await Ui.WaitAsync(phase, warmUp, () => "warming up", cancellationToken, 0, warmUp / total);
        var cpuAtOpen = Process.GetCurrentProcess().TotalProcessorTime;
        window.OpenNow();
        await Ui.WaitAsync(phase, measure, () => F($"{Rate():0.00}/s"), cancellationToken, warmUp / total, 1);
        window.CloseNow();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtOpen;
        var seconds = window.Length.TotalSeconds;

        // Keep hashing until each thread's last verification from the window is done, so it meets the same contention.
        while (!Enumerable.Range(0, threadCount).All(i => Volatile.Read(ref past[i])))
        {
            await Task.Delay(20, cancellationToken);
        }

        Volatile.Write(ref stopping, true);
        threads.ForEach(t => t.Join());
        var rate = Rate();
        phase.Done(F($"{rate:0.00} verifications/s"));
        return new RawResult(rate, cpu / Math.Max(1, rate * seconds));
    }
}

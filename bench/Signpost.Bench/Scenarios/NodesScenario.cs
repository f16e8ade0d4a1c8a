using System.Globalization;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;
using Signpost.Bench.Targets;

namespace Signpost.Bench.Scenarios;

/// <summary>
/// Scaling out on PostgreSQL: successful sign-ins per second from two Signpost nodes over one PostgreSQL ÷ from one
/// node, with the same cores given to Signpost. One node runs under <c>taskset</c> on every core, the other two on
/// one half of them each (on 2 cores: 0–1, against 0 and 1), so both sides own the same CPU and the figure is what
/// a second node costs: its own caches, the database round trips shared work needs across nodes (counters,
/// sessions, the maintenance snapshot). PostgreSQL itself and the load's client are not pinned.
/// The three nodes run throughout over one database (2,000 accounts); 4 closed-loop clients per core sign in
/// (right password, the API) against the single node, then against the pair (client i to node i mod 2), alternating;
/// each pair phase ÷ the mean of the single phases either side, median of the rounds. Goal ≥ 0.9.
/// </summary>
internal sealed class NodesScenario : IScenario
{
    public string Name => "nodes";

    public string Description => "Sign-ins/s with 2 nodes on PostgreSQL ÷ 1 node, the same cores given to Signpost (goal ≥ 0.9).";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var cores = Environment.ProcessorCount;
        if (cores < 2 || !File.Exists("/usr/bin/taskset"))
        {
            report.Add(Figure.NotMeasured(Name, "Sign-ins/s, 2 nodes on PostgreSQL ÷ 1 node", "≥ 0.9", "needs 2 cores or more and taskset (util-linux)"));
            return;
        }

        var seed = await SignpostTarget.SeedAsync(settings, ui, cancellationToken);
        var manifest = DatasetManifest.TryRead(Path.GetDirectoryName(seed)!) ?? throw new BenchException("The seed database has no dataset.json.");
        await using var postgres = await PostgresScenario.LoadAsync(context, seed, manifest, Name, cancellationToken);

        var all = F($"0-{cores - 1}");
        var half = cores / 2;
        var firstHalf = half == 1 ? "0" : F($"0-{half - 1}");
        var secondHalf = cores - half == 1 ? F($"{half}") : F($"{half}-{cores - 1}");

        // One at a time: the first node's start makes the key ring the others read (docs/deployment.md).
        await using var single = await StartAsync(settings, postgres, "signpost-node-all", all, cancellationToken);
        await using var nodeA = await StartAsync(settings, postgres, "signpost-node-a", firstHalf, cancellationToken);
        await using var nodeB = await StartAsync(settings, postgres, "signpost-node-b", secondHalf, cancellationToken);
        using var singleClient = Http.Client(single.BaseUri);
        using var clientA = Http.Client(nodeA.BaseUri);
        using var clientB = Http.Client(nodeB.BaseUri);

        // Each node's first sign-ins pay its JIT and pools, on one core for the pair's nodes: not what is measured.
        using (var phase = ui.Start("nodes: first sign-ins on each node"))
        {
            foreach (var client in new[] { singleClient, clientA, clientB })
            {
                for (var i = 0; i < 3; i++)
                {
                    var answer = await SignpostTarget.SignInAsync(client, DatasetManifest.Legit(i), BenchSettings.Password, null, cancellationToken);
                    if (answer.Status != 200)
                    {
                        throw new BenchException($"A warm-up sign-in on {client.BaseAddress} answered {answer.Label}.");
                    }
                }
            }

            phase.Done("done");
        }

        var workers = 4 * cores;
        var rounds = settings.Pick(3, 1);
        var warmUp = settings.Seconds(5, 3);
        var measure = settings.Seconds(15, 6);
        Func<int, Random, CancellationToken, Task<string>> SignIn(Func<int, HttpClient> clientOf) =>
            async (i, _, ct) => (await SignpostTarget.SignInAsync(clientOf(i), DatasetManifest.Legit(i % DatasetPlan.LegitUsers), BenchSettings.Password, null, ct)).Label;

        var singles = new List<(LoadResult Load, TimeSpan Cpu)>();
        var pairs = new List<(LoadResult Load, TimeSpan Cpu)>();
        singles.Add(await HashCeilingScenario.MeasureWithCpuAsync(ui, single, F($"nodes: 1 node on cores {all} (1)"), workers, warmUp, measure, SignIn(_ => singleClient), cancellationToken));
        for (var round = 0; round < rounds; round++)
        {
            pairs.Add(await MeasurePairAsync(ui, nodeA, nodeB, F($"nodes: 2 nodes on cores {firstHalf} and {secondHalf} (round {round + 1})"), workers, warmUp, measure,
                SignIn(i => i % 2 == 0 ? clientA : clientB), cancellationToken));
            singles.Add(await HashCeilingScenario.MeasureWithCpuAsync(ui, single, F($"nodes: 1 node on cores {all} ({round + 2})"), workers, warmUp, measure,
                SignIn(_ => singleClient), cancellationToken));
        }

        var ratios = pairs.Select((p, r) => p.Load.Rate / ((singles[r].Load.Rate + singles[r + 1].Load.Rate) / 2)).ToList();
        var ratio = Stats.Median(ratios);
        var unexpected = singles.Concat(pairs).SelectMany(l => l.Load.Outcomes).Where(o => o.Key != "200 signed_in").Sum(o => o.Value);
        var note = F($"median of {rounds} round(s) ({string.Join(", ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}), each ÷ the single-node phases either side; {workers} clients; PostgreSQL and the client unpinned")
            + (unexpected > 0 ? F($"; {unexpected} answers were not signed_in: ") + string.Join(", ", singles.Concat(pairs).Select(l => l.Load.Describe())) : "");
        report.Add(new Figure(Name, "Sign-ins/s, 2 nodes on PostgreSQL ÷ 1 node, same cores for Signpost", "≥ 0.9", ratio,
            F($"{Stats.Median(pairs.Select(p => p.Load.Rate)):0.00} sign-ins/s (nodes on cores {firstHalf} | {secondHalf})"),
            F($"{Stats.Median(singles.Select(s => s.Load.Rate)):0.00} sign-ins/s (one node on cores {all})"), Figure.AtLeast(ratio, 0.9), note));

        var cpuPair = Stats.Median(pairs.Select(p => p.Cpu.TotalMilliseconds / Math.Max(1e-9, p.Load.Rate * p.Load.Window.TotalSeconds)));
        var cpuSingle = Stats.Median(singles.Select(s => s.Cpu.TotalMilliseconds / Math.Max(1e-9, s.Load.Rate * s.Load.Window.TotalSeconds)));
        report.Add(new Figure(Name, "— by server CPU: CPU per sign-in on 1 node ÷ on 2 nodes", "(context)", cpuSingle / cpuPair,
            F($"{cpuSingle:0} ms per sign-in, one node"), F($"{cpuPair:0} ms per sign-in, two nodes together"), Verdict.Info));
    }

    private static Task<ServerProcess> StartAsync(BenchSettings settings, PostgresTarget postgres, string name, string cpus, CancellationToken cancellationToken)
    {
        var spec = SignpostTarget.Spec(settings, "unused", name: name);
        var environment = new Dictionary<string, string>(spec.Environment);
        foreach (var (key, value) in postgres.SignpostEnvironment())
        {
            environment[key] = value;
        }

        return ServerProcess.StartAsync(spec with { Environment = environment, Launcher = ["taskset", "-c", cpus] }, cancellationToken);
    }

    /// <summary>One load over both nodes; the CPU is the two nodes' together.</summary>
    private static async Task<(LoadResult Load, TimeSpan Cpu)> MeasurePairAsync(Ui ui, ServerProcess a, ServerProcess b, string name, int workers,
        TimeSpan warmUp, TimeSpan measure, Func<int, Random, CancellationToken, Task<string>> operation, CancellationToken cancellationToken)
    {
        var cpuAtOpen = TimeSpan.Zero;
        var cpuAtClose = TimeSpan.Zero;
        var load = await Load.MeasureAsync(ui, name, workers, warmUp, measure, operation, cancellationToken,
            onOpen: () => cpuAtOpen = a.CpuTime() + b.CpuTime(), onClose: () => cpuAtClose = a.CpuTime() + b.CpuTime());
        return (load, cpuAtClose - cpuAtOpen);
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

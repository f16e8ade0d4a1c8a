using System.Globalization;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;
using Signpost.Bench.Targets;

namespace Signpost.Bench.Scenarios;

/// <summary>
/// Memory and start-up at size. The same mixed load (40% right passwords and 40% wrong ones for random
/// accounts, 20% signed-in home pages) runs against Signpost on the generated data set (1 million
/// accounts, 10 million events) and on a 2,000-account database; the peak resident set (VmHWM) of the
/// first ÷ the second says what the size costs. Cold start (process start to the first 200 from
/// <c>/sign-in</c>) on both, alternating.
/// </summary>
internal sealed class FootprintScenario : IScenario
{
    public string Name => "footprint";

    public string Description => "Peak memory serving 1 million accounts and cold start, each ÷ the same on 2,000 accounts.";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var (folder, manifest) = await Scenarios.DatasetAsync(context, cancellationToken);
        var large = DatasetManifest.DatabasePath(folder);

        // Dedicated starts, alternating; a --quick run takes the starts of the load phases below instead.
        var largeStarts = new List<double>();
        var smallStarts = new List<double>();
        var rounds = settings.Pick(3, 0);
        using (var phase = rounds == 0 ? null : ui.Start("footprint: cold start, data set vs 2,000 accounts"))
        {
            for (var round = 0; round < rounds; round++)
            {
                phase!.Update((double)round / rounds, $"round {round + 1}");
                await using (var server = await SignpostTarget.StartAsync(settings, large, cancellationToken, name: "signpost-large-cold"))
                {
                    largeStarts.Add(server.ReadyAfter.TotalMilliseconds);
                }

                var small = await SignpostTarget.SeedAsync(settings, ui, cancellationToken);
                await using (var server = await SignpostTarget.StartAsync(settings, small, cancellationToken, name: "signpost-small-cold"))
                {
                    smallStarts.Add(server.ReadyAfter.TotalMilliseconds);
                }
            }

            phase?.Done(F($"{Stats.Median(largeStarts):0} ms vs {Stats.Median(smallStarts):0} ms"));
        }

        var largePeak = await PeakUnderLoadAsync(context, large, manifest.Accounts, "data set", cancellationToken);
        var smallDatabase = await SignpostTarget.SeedAsync(settings, ui, cancellationToken);
        var smallPeak = await PeakUnderLoadAsync(context, smallDatabase, DatasetPlan.Seed().Accounts, "2,000 accounts", cancellationToken);
        report.Add(new Figure(Name, F($"Peak memory serving {manifest.Accounts:N0} accounts, {manifest.Events:N0} events ÷ serving 2,000"), "(context)",
            (double)largePeak.Bytes / smallPeak.Bytes,
            F($"{largePeak.Bytes / 1048576.0:0} MiB VmHWM ({largePeak.Rate:0.0} req/s)"), F($"{smallPeak.Bytes / 1048576.0:0} MiB ({smallPeak.Rate:0.0} req/s)"), Verdict.Info,
            "same mixed load; server GC, 2 cores"));
        if (rounds == 0)
        {
            largeStarts.Add(largePeak.Start.TotalMilliseconds);
            smallStarts.Add(smallPeak.Start.TotalMilliseconds);
        }

        var startRatio = Stats.Median(largeStarts) / Stats.Median(smallStarts);
        report.Add(new Figure(Name, F($"Cold start to the first sign-in page with {manifest.Accounts:N0} accounts ÷ with 2,000"), "(context)", startRatio,
            F($"{Stats.Median(largeStarts):0} ms"), F($"{Stats.Median(smallStarts):0} ms"), Verdict.Info, F($"median of {largeStarts.Count}")));
    }

    private static async Task<(long Bytes, double Rate, TimeSpan Start)> PeakUnderLoadAsync(BenchContext context, string database, int accounts, string label, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        await using var server = await SignpostTarget.StartAsync(settings, database, cancellationToken, name: "signpost-footprint");
        var workers = 4 * Environment.ProcessorCount;
        using var client = Http.Client(server.BaseUri);
        var (session, _) = await SignpostTarget.SignInForCookiesAsync(client, DatasetManifest.Legit(0), cancellationToken);
        var cookie = "sp_session=" + session;
        var load = await Load.MeasureAsync(ui, $"footprint: mixed load, {label}", workers, settings.Seconds(3, 2), settings.Seconds(30, 5),
            async (_, random, ct) =>
            {
                var pick = random.NextDouble();
                if (pick < 0.2)
                {
                    return (await Http.GetAsync(client, "/", cookie, ct)).Label;
                }

                var user = DatasetManifest.User(random.Next(accounts));
                var password = pick < 0.6 ? BenchSettings.Password : "not the password";
                return (await SignpostTarget.SignInAsync(client, user, password, null, ct)).Label;
            }, cancellationToken);
        var unexpected = load.Outcomes.Keys.Where(k => k is not ("200" or "200 signed_in" or "401 invalid_credentials")).ToList();
        if (unexpected.Count > 0)
        {
            report.Note($"footprint, {label}: {load.Describe()}");
        }

        return (server.PeakResidentBytes(), load.Rate, server.ReadyAfter);
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;
using Signpost.Bench.Targets;

namespace Signpost.Bench.Scenarios;

/// <summary>
/// Session requests: the signed-in home page (<c>GET /</c> with the cookies a browser returns: session lookup,
/// account and memberships, Razor page) per second ÷ <c>GET /healthz</c> per second, the same process,
/// the same middleware, alternating phases. Also as server CPU per request, which the load generator's
/// share of the two cores does not blur.
/// </summary>
internal sealed class SessionScenario : IScenario
{
    public string Name => "sessions";

    public string Description => "Authenticated page requests per second ÷ a bare endpoint in the same process (goal ≥ 0.5).";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var database = await SignpostTarget.SeedAsync(settings, ui, cancellationToken);
        await using var server = await SignpostTarget.StartAsync(settings, database, cancellationToken);
        var workers = settings.Pick(16, 8);
        using var client = Http.Client(server.BaseUri, maxConnections: workers);
        var (session, _) = await SignpostTarget.SignInForCookiesAsync(client, DatasetManifest.Legit(0), cancellationToken);
        var home = await Http.GetAsync(client, "/", "sp_session=" + session, cancellationToken);
        if (home.Status != 200)
        {
            throw new BenchException($"The signed-in home page answered {home.Status}, not 200.");
        }

        // What a browser sends on its next page: the session cookie and whatever the first page set (the
        // anti-forgery cookie of the sign-out form). Without it every page would issue a new anti-forgery
        // cookie token as well as the form's token, a cost no returning browser makes the server pay.
        var cookie = string.Join("; ", home.Cookies.Where(c => c.Key != "sp_session").Select(c => $"{c.Key}={c.Value}").Prepend("sp_session=" + session));

        var rounds = settings.Pick(3, 1);
        var warmUp = settings.Seconds(3, 2);
        var measure = settings.Seconds(6, 3);
        var ratios = new List<double>();
        var cpuRatios = new List<double>();
        var bareRates = new List<double>();
        var pageRates = new List<double>();
        var bareCpus = new List<double>();
        var pageCpus = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var bare = await HashCeilingScenario.MeasureWithCpuAsync(ui, server, $"sessions: GET /healthz (round {round + 1})", workers, warmUp, measure,
                async (_, _, ct) => (await Http.GetAsync(client, "/healthz", null, ct)).Label, cancellationToken);
            var page = await HashCeilingScenario.MeasureWithCpuAsync(ui, server, $"sessions: signed-in GET / (round {round + 1})", workers, warmUp, measure,
                async (_, _, ct) => (await Http.GetAsync(client, "/", cookie, ct)).Label, cancellationToken);
            if (page.Load.Outcomes.Keys.Any(k => k != "200") || bare.Load.Outcomes.Keys.Any(k => k != "200"))
            {
                report.Note($"sessions round {round + 1}: not every answer was 200: page {page.Load.Describe()}; bare {bare.Load.Describe()}");
            }

            bareRates.Add(bare.Load.Rate);
            pageRates.Add(page.Load.Rate);
            ratios.Add(page.Load.Rate / bare.Load.Rate);
            var bareCpu = bare.Cpu.TotalMilliseconds / Math.Max(1e-9, bare.Load.Rate * bare.Load.Window.TotalSeconds);
            var pageCpu = page.Cpu.TotalMilliseconds / Math.Max(1e-9, page.Load.Rate * page.Load.Window.TotalSeconds);
            cpuRatios.Add(bareCpu / pageCpu);
            bareCpus.Add(bareCpu);
            pageCpus.Add(pageCpu);
        }

        var ratio = Stats.Median(ratios);
        report.Add(new Figure(Name, "Session requests: signed-in page/s ÷ bare endpoint/s", "≥ 0.5", ratio,
            F($"{Stats.Median(pageRates):0} pages/s"), F($"{Stats.Median(bareRates):0} /healthz/s ({workers} connections)"),
            Figure.AtLeast(ratio, 0.5), F($"median of {rounds} round(s); client and server share the cores")));
        var cpuRatio = Stats.Median(cpuRatios);
        report.Add(new Figure(Name, "Session requests by server CPU: bare CPU/request ÷ page CPU/request", "≥ 0.5", cpuRatio,
            F($"{Stats.Median(bareCpus):0.000} ms server CPU per /healthz"), F($"{Stats.Median(pageCpus):0.000} ms per signed-in page"), Figure.AtLeast(cpuRatio, 0.5), "what the server could do with the cores to itself"));
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

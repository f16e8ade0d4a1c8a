using System.CommandLine;
using System.Diagnostics;
using Signpost.Bench;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;
using Signpost.Bench.Scenarios;

// Signpost's benchmarks. `bench/run` builds Release and calls `all`; each scenario is also a subcommand.
// Every figure is a ratio of two things measured in the same run: the machines are shared and noisy.

var root = new RootCommand("Signpost benchmarks: every figure a ratio of two things measured in the same run. See BENCHMARKS.md.");
var quick = new Option<bool>("--quick") { Description = "Smoke run (2–4 minutes): short windows, one round, the small data set.", Recursive = true };
var work = new Option<string?>("--work") { Description = "Work folder for data sets, servers and results (default /tmp/signpost-bench).", Recursive = true };
var signpost = new Option<string?>("--signpost") { Description = "The signpost.dll to measure (default the copy bench/run publishes, src/Signpost.Web/bin/Release/bench-publish/signpost.dll).", Recursive = true };
var events = new Option<long?>("--events") { Description = "Generate and use a data set of this many events (practices and accounts in the full set's proportions) instead of the full or quick one.", Recursive = true };
root.Options.Add(quick);
root.Options.Add(events);
root.Options.Add(work);
root.Options.Add(signpost);

BenchSettings Settings(ParseResult result) => BenchSettings.Create(result.GetValue(quick), result.GetValue(work), result.GetValue(signpost), result.GetValue(events));

var all = new Command("all", "Every scenario in turn, then the table of ratios (what bench/run does).");
all.SetAction((result, cancellationToken) => RunAsync(Settings(result), Scenarios.All, cancellationToken));
root.Subcommands.Add(all);

foreach (var scenario in Scenarios.All)
{
    var command = new Command(scenario.Name, scenario.Description);
    command.SetAction((result, cancellationToken) => RunAsync(Settings(result), [scenario], cancellationToken));
    root.Subcommands.Add(command);
}

var force = new Option<bool>("--force") { Description = "Make the data set again even if a current one exists." };
var generate = new Command("generate", "Make the data set (1 million accounts, 10 million events; --quick: 20,000 and 200,000) under the work folder.") { force };
generate.SetAction(async (result, cancellationToken) =>
{
    var settings = Settings(result);
    var folder = settings.DatasetFolder;
    if (!result.GetValue(force) && DatasetManifest.TryRead(folder) is { } existing)
    {
        Console.WriteLine($"{folder} already holds {existing.Accounts:N0} accounts and {existing.Events:N0} events (made {existing.GeneratedAt:yyyy-MM-dd HH:mm} UTC); --force makes it again.");
        return 0;
    }

    return await Ui.RunAsync(async ui =>
    {
        var manifest = await DataGenerator.CreateAsync(settings, folder, settings.Plan, ui, cancellationToken);
        ui.Line($"{folder}: {manifest.Practices:N0} practices, {manifest.Accounts:N0} accounts, {manifest.Events:N0} events in {manifest.GenerationSeconds:0} s.");
        return 0;
    });
});
root.Subcommands.Add(generate);

try
{
    return await root.Parse(args).InvokeAsync();
}
catch (BenchException ex)
{
    await Console.Error.WriteLineAsync($"bench: {ex.Message}");
    return 2;
}
finally
{
    ChildProcesses.KillAll();
}

static async Task<int> RunAsync(BenchSettings settings, IReadOnlyList<IScenario> scenarios, CancellationToken cancellationToken)
{
    Directory.CreateDirectory(settings.RunRoot);
    var report = new Report(settings);
    var started = Stopwatch.GetTimestamp();
    var failed = 0;
    await Ui.RunAsync(async ui =>
    {
        var machine = report.MachineAtStart;
        ui.Line($"{machine.Cores} cores, {machine.CpuModel}, {machine.MemoryMiB:N0} MiB; load average {machine.LoadAverage}; run folder {settings.RunRoot}{(settings.Quick ? " (--quick)" : "")}");
        var context = new BenchContext(settings, ui, report);
        foreach (var scenario in scenarios)
        {
            try
            {
                await scenario.RunAsync(context, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed++;
                report.Note($"{scenario.Name} did not finish: {ex.GetType().Name}: {ex.Message}");
                ui.Line($"{scenario.Name} did not finish: {ex}");
            }
        }

        return 0;
    });
    report.Finish(Stopwatch.GetElapsedTime(started));
    return failed == 0 ? 0 : 1;
}

using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;

namespace Signpost.Bench.Scenarios;

/// <summary>What every scenario gets: where to work, the display, and the report its figures go to.</summary>
internal sealed record BenchContext(BenchSettings Settings, Ui Ui, Report Report);

/// <summary>
/// One subcommand of the bench and one section of BENCHMARKS.md: starts what it measures, measures both
/// sides of each ratio in the same run, adds its figures to the report, and ends every process it started.
/// A figure that depends on something not built yet is one more scenario that reports "not measured yet".
/// </summary>
internal interface IScenario
{
    string Name { get; }

    string Description { get; }

    Task RunAsync(BenchContext context, CancellationToken cancellationToken);
}

internal static class Scenarios
{
    /// <summary>In the order <c>all</c> runs them: cheap and independent first, the large data set last.</summary>
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new HashCeilingScenario(),
        new SessionScenario(),
        new StuffingScenario(),
        new PeerScenario(),
        new EventStoreScenario(),
        new AnalyticsScenario(),
        new FootprintScenario(),
        new DiagnosisScenario(),
        new SupportSearchScenario(),
        new PostgresScenario(),
        new NodesScenario(),
    ];

    /// <summary>The generated data set for this mode, made now if it is missing or out of date.</summary>
    public static async Task<(string Folder, DatasetManifest Manifest)> DatasetAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var folder = settings.DatasetFolder;
        if (DatasetManifest.TryRead(folder) is { } manifest)
        {
            return (folder, manifest);
        }

        if (!settings.Quick)
        {
            context.Ui.Line($"No full data set in {folder}: generating it now (minutes; kept for later runs; `bench/run generate` makes it ahead).");
        }

        manifest = await DataGenerator.CreateAsync(settings, folder, settings.Plan, context.Ui, cancellationToken);
        return (folder, manifest);
    }
}

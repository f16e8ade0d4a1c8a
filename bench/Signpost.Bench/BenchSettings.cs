using Signpost.Bench.Data;

namespace Signpost.Bench;

/// <summary>
/// Where things are and how long to measure. <see cref="Quick"/> is the smoke run (2–4 minutes): the same
/// scenarios with short windows and the small data set, to check that everything still runs.
/// </summary>
internal sealed record BenchSettings(bool Quick, string WorkRoot, string RepoRoot, string SignpostDll, long? Events = null)
{
    /// <summary>The one password every generated account and every peer account has.</summary>
    public const string Password = "Bench password 2026 Riverside!";

    /// <summary>A browser inside Signpost's supported matrix, so a success is <c>signed_in</c>, not a warning.</summary>
    public const string UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

    /// <summary>Generated data sets, kept between runs (the full one takes minutes to make).</summary>
    public string DataRoot => Path.Combine(WorkRoot, "data");

    /// <summary>Per-run folders: servers' databases, logs, the results file.</summary>
    public string RunRoot { get; } = Path.Combine(WorkRoot, "runs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The data set the event-store, memory and start-up figures use.</summary>
    public DatasetSize Dataset => Quick ? DatasetSize.Quick : DatasetSize.Full;

    /// <summary>What to generate: the full or quick set, or <c>--events N</c> events (the rest in the full set's proportions).</summary>
    public DatasetPlan Plan => Events is { } events ? DatasetPlan.ForEvents(events) : DatasetPlan.For(Dataset);

    /// <summary>Where the data set is kept: one folder per size, so a run at another size does not replace it.</summary>
    public string DatasetFolder => Path.Combine(DataRoot, Events is { } events ? $"events-{events}" : Dataset.ToString().ToLowerInvariant());

    public TimeSpan Seconds(double fullSeconds, double quickSeconds) => TimeSpan.FromSeconds(Quick ? quickSeconds : fullSeconds);

    public int Pick(int full, int quick) => Quick ? quick : full;

    /// <summary>A fresh folder under this run's folder.</summary>
    public string NewFolder(string name)
    {
        var path = Path.Combine(RunRoot, name);
        for (var i = 2; Directory.Exists(path); i++)
        {
            path = Path.Combine(RunRoot, $"{name}-{i}");
        }

        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Where bench/run publishes Signpost, relative to the repository (ignored by git, as bin/ is).</summary>
    public const string PublishFolder = "src/Signpost.Web/bin/Release/bench-publish";

    public static BenchSettings Create(bool quick, string? workRoot, string? signpostDll, long? events = null)
    {
        if (events is < 10_000 or > 50_000_000)
        {
            throw new BenchException("--events: between 10,000 and 50,000,000.");
        }

        var repo = FindRepoRoot();
        // Signpost as it ships: `dotnet publish` (ReadyToRun, docs/deployment.md) into the folder bench/run publishes to.
        var dll = signpostDll ?? Path.Combine(repo, PublishFolder, "signpost.dll");
        if (!File.Exists(dll))
        {
            throw new BenchException($"{dll} does not exist: publish it first (bench/run does: dotnet publish src/Signpost.Web -c Release -o {PublishFolder}).");
        }

        var root = Path.GetFullPath(workRoot ?? Path.Combine(Path.GetTempPath(), "signpost-bench"));
        Directory.CreateDirectory(root);
        return new BenchSettings(quick, root, repo, dll, events);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Signpost.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new BenchException("Cannot find the repository (Signpost.slnx) above " + AppContext.BaseDirectory);
    }
}

/// <summary>A refusal with one clear line for the person running the bench.</summary>
internal sealed class BenchException(string message) : Exception(message);

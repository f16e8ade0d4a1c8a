using System.Text.Json;

namespace Signpost.Bench.Data;

internal enum DatasetSize
{
    /// <summary>The sizes the issue names: 1 million accounts, 10 million events.</summary>
    Full,

    /// <summary>A fiftieth of that, made in seconds, for --quick.</summary>
    Quick,
}

/// <summary>How much to generate.</summary>
internal sealed record DatasetPlan(int Practices, int Accounts, long Events)
{
    /// <summary>Accounts whose names scenarios use: legit.00 … (people with trusted devices), lock.target, bench.support.</summary>
    public const int LegitUsers = 50;

    public static DatasetPlan For(DatasetSize size) => size switch
    {
        DatasetSize.Full => new DatasetPlan(20_000, 1_000_000, 10_000_000),
        _ => new DatasetPlan(400, 20_000, 200_000),
    };

    /// <summary><paramref name="events"/> events with practices and accounts in the full set's proportions (500 and 10 per practice and account).</summary>
    public static DatasetPlan ForEvents(long events) => new((int)Math.Max(50, events / 500), (int)Math.Max(2_000, events / 10), events);

    /// <summary>A small database for a scenario's own server: a few thousand accounts, no history.</summary>
    public static DatasetPlan Seed(int accounts = 2_000) => new(50, accounts, 0);
}

/// <summary>What a generated database holds, written beside it as dataset.json.</summary>
internal sealed record DatasetManifest(
    int Version,
    int Practices,
    int Accounts,
    long Events,
    long GeneratedAtUnixMs,
    string BigPracticeId,
    string BigPracticeSlug,
    long BigPracticeAccounts,
    string Password,
    double GenerationSeconds)
{
    /// <summary>Bump when the generator's output changes, so cached data sets are made again.</summary>
    public const int CurrentVersion = 1;

    public const string SupportUsername = "bench.support";
    public const string LockTarget = "lock.target";

    public static string Legit(int index) => $"legit.{index:D2}";

    public static string User(long index) => $"user{index:D7}";

    public DateTimeOffset GeneratedAt => DateTimeOffset.FromUnixTimeMilliseconds(GeneratedAtUnixMs);

    public static string DatabasePath(string folder) => Path.Combine(folder, "signpost.db");

    public static DatasetManifest? TryRead(string folder)
    {
        var path = Path.Combine(folder, "dataset.json");
        if (!File.Exists(path) || !File.Exists(DatabasePath(folder)))
        {
            return null;
        }

        var manifest = JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllText(path));
        return manifest?.Version == CurrentVersion ? manifest : null;
    }

    public void Write(string folder) =>
        File.WriteAllText(Path.Combine(folder, "dataset.json"), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));
}

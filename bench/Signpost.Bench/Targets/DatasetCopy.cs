using System.Globalization;
using Microsoft.Data.Sqlite;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;
using Signpost.Bench.Scenarios;

namespace Signpost.Bench.Targets;

/// <summary>
/// A writable copy of the generated data set for scenarios whose server writes (sessions, events, audit
/// entries) and that must leave the data set itself as it is: at 10 million events the data set is shared
/// with other measurements. Made with SQLite's online backup API in one step (a consistent copy even while
/// another process writes the source), migrated to this build's schema, and kept under <c>{work}/copies/</c>
/// for later runs until the data set is made again (its dataset.json, written beside the copy). What other
/// measurements add to the data set meanwhile (the analytics job's counts) does not make it another data set.
/// </summary>
internal static class DatasetCopy
{
    public static async Task<string> GetAsync(BenchContext context, string sourceFolder, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var source = DatasetManifest.DatabasePath(sourceFolder);
        var folder = Path.Combine(settings.WorkRoot, "copies", Path.GetFileName(sourceFolder));
        var copy = DatasetManifest.DatabasePath(folder);
        var stampPath = Path.Combine(folder, "source.stamp");
        var stamp = await File.ReadAllTextAsync(Path.Combine(sourceFolder, "dataset.json"), cancellationToken);
        if (File.Exists(copy) && File.Exists(stampPath) && await File.ReadAllTextAsync(stampPath, cancellationToken) == stamp)
        {
            // A copy kept from a run of an older build: this build's migrations first (a few seconds when none is pending).
            await MigrateAsync(settings, folder, copy, cancellationToken);
            return copy;
        }

        Directory.CreateDirectory(folder);
        foreach (var stale in new[] { copy, copy + "-wal", copy + "-shm", stampPath })
        {
            File.Delete(stale);
        }

        var size = new FileInfo(source).Length;
        using (var phase = context.Ui.Start(F($"copy of the data set ({size / 1048576.0 / 1024:0.0} GiB) for servers that write: {folder}")))
        {
            // One backup step for the whole file: one read transaction, so a server writing the data set meanwhile
            // (another measurement) neither tears the copy nor restarts it, as a step-by-step `.backup` would.
            var copying = Task.Run(() =>
            {
                using var from = new SqliteConnection($"Data Source={source};Mode=ReadOnly;Pooling=False");
                using var to = new SqliteConnection($"Data Source={copy};Pooling=False");
                from.Open();
                to.Open();
                from.BackupDatabase(to);
            }, cancellationToken);
            while (!copying.IsCompleted)
            {
                await Task.WhenAny(copying, Task.Delay(1000, cancellationToken));
                var sofar = File.Exists(copy) ? new FileInfo(copy).Length : 0;
                phase.Update(Math.Min(0.99, (double)sofar / size), F($"{sofar / 1048576.0:N0} MiB"));
            }

            await copying;

            // Servers after this build start on a current schema (a later migration than the data set's: migrate it here).
            await MigrateAsync(settings, folder, copy, cancellationToken);
            phase.Done("copied and migrated");
        }

        File.Copy(Path.Combine(sourceFolder, "dataset.json"), Path.Combine(folder, "dataset.json"), overwrite: true);
        await File.WriteAllTextAsync(stampPath, stamp, cancellationToken);
        return copy;
    }

    private static async Task MigrateAsync(BenchSettings settings, string folder, string copy, CancellationToken cancellationToken)
    {
        var migrated = await Commands.RunAsync("dotnet", [settings.SignpostDll, "migrate"], folder, new Dictionary<string, string>
        {
            ["ConnectionStrings__Signpost"] = $"Data Source={copy}",
            ["Signpost__DataProtection__AllowUnprotectedKeys"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
        }, cancellationToken: cancellationToken);
        migrated.EnsureSuccess("signpost migrate (data set copy)");
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

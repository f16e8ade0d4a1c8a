using System.CommandLine;
using System.Text.Json;
using Signpost.Core.Audit;
using Spectre.Console;

namespace Signpost.Web.Cli;

/// <summary><c>signpost audit verify</c> and <c>signpost audit export</c>: the tamper-evident trail of administrative acts.</summary>
public static class AuditCommands
{
    private static readonly JsonSerializerOptions Lines = new() { WriteIndented = false };

    public static Command Build()
    {
        var verify = new Command("verify", "Check the hash chain from the first entry; names the first edited, deleted or reordered entry (exit code 1).");
        verify.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var trail = services.GetRequiredService<AuditTrail>();
            var total = await services.GetRequiredService<IAuditStore>().LastAsync(ct2) is { } last ? last.Sequence : 0;
            var verification = await WithProgressAsync($"Verifying {total:N0} audit entries", total, progress => trail.VerifyAsync(progress, ct2));
            if (verification.Intact)
            {
                Console.WriteLine($"intact: {verification.Entries} entries; head {verification.Head}");
                return;
            }

            throw new Setup.AdministrationException($"BROKEN at entry {verification.FirstBad}: {verification.Problem}. Entries 1–{verification.Entries} are intact (head {verification.Head}).");
        }, ct));

        var output = new Option<string?>("--output") { Description = "Write to this file instead of standard output." };
        var export = new Command("export", "Write every audit entry as one JSON object per line, in order.") { output };
        export.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var path = result.GetValue(output);
            await using var writer = path is null ? Console.Out : new StreamWriter(path, append: false);
            long count = 0;
            await foreach (var entry in services.GetRequiredService<IAuditStore>().ReadAllAsync(ct2))
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(entry, Lines));
                count++;
            }

            if (path is not null)
            {
                Console.WriteLine($"Wrote {count} audit entries to {path}.");
            }
        }, ct));

        return new Command("audit", "The tamper-evident audit trail.") { verify, export };
    }

    /// <summary>A progress bar on standard error while the work runs (only on a terminal; scripts get plain output).</summary>
    internal static async Task<T> WithProgressAsync<T>(string title, long total, Func<IProgress<long>, Task<T>> work)
    {
        if (Console.IsErrorRedirected || total < 1000)
        {
            return await work(new Progress<long>());
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress().StartAsync(async context =>
        {
            var task = context.AddTask(title, maxValue: total);
            return await work(new SynchronousProgress(done => task.Value = done));
        });
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

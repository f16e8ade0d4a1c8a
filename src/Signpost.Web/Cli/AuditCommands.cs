using System.CommandLine;
using System.Text.Json;
using Signpost.Core.Audit;
using Signpost.Web.Infrastructure;
using Spectre.Console;

namespace Signpost.Web.Cli;

/// <summary><c>signpost audit verify</c> and <c>signpost audit export</c>: the tamper-evident trail of administrative acts.</summary>
public static class AuditCommands
{
    private static readonly JsonSerializerOptions Lines = new() { WriteIndented = false };

    public static Command Build()
    {
        var sinceCheckpoint = new Option<bool>("--since-checkpoint")
        {
            Description = "Check only from the newest checkpoint to the head: that the checkpoint's entry is still there, unchanged, and the chain runs on from it.",
        };
        var verify = new Command("verify", "Check the hash chain from the first entry and against the newest checkpoint; names the first edited, deleted or reordered entry (exit code 1).")
        {
            sinceCheckpoint,
        };
        verify.SetAction((result, ct) => AdminCommands.ReadAsync(async (services, ct2) =>
        {
            var checkpoints = services.GetRequiredService<AuditCheckpoints>();
            if (result.GetValue(sinceCheckpoint))
            {
                var since = await checkpoints.VerifySinceCheckpointAsync(ct2);
                if (since.Checkpoint is not { } checkpoint)
                {
                    throw new CommandRefusedException("no checkpoint has been written yet: run 'signpost audit checkpoint', or verify the whole trail without --since-checkpoint.");
                }

                if (!since.Intact)
                {
                    throw new CommandRefusedException($"BROKEN at entry {since.Verification.FirstBad}: {since.Verification.Problem}.");
                }

                Console.WriteLine($"intact since checkpoint: entries {checkpoint.Sequence}–{since.Verification.Entries}; checkpoint of {checkpoint.At:O} (head {checkpoint.Head}); head {since.Verification.Head}");
                return;
            }

            var trail = services.GetRequiredService<AuditTrail>();
            var total = await services.GetRequiredService<IAuditStore>().LastAsync(ct2) is { } last ? last.Sequence : 0;
            var verification = await WithProgressAsync($"Verifying {total:N0} audit entries", total, progress => trail.VerifyAsync(progress, ct2));
            if (!verification.Intact)
            {
                throw new CommandRefusedException($"BROKEN at entry {verification.FirstBad}: {verification.Problem}. Entries 1–{verification.Entries} are intact (head {verification.Head}).");
            }

            // The walk from entry 1 cannot see a cut-off tail; the newest checkpoint can.
            var anchored = await checkpoints.VerifySinceCheckpointAsync(ct2);
            if (anchored.Checkpoint is not null && !anchored.Intact)
            {
                throw new CommandRefusedException($"BROKEN at entry {anchored.Verification.FirstBad}: {anchored.Verification.Problem}.");
            }

            Console.WriteLine($"intact: {verification.Entries} entries; head {verification.Head}");
        }, ct));

        var checkpoint = new Command("checkpoint", "Record the chain's head now (entry count, hash, time) in the checkpoint table and the log; the service does this periodically.");
        checkpoint.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var job = services.GetRequiredService<Setup.AuditCheckpointJob>();
            var (written, since) = await job.RunOnceAsync(ct2);
            if (since.Checkpoint is not null && !since.Intact)
            {
                throw new CommandRefusedException($"BROKEN at entry {since.Verification.FirstBad}: {since.Verification.Problem}. No checkpoint was written.");
            }

            Console.WriteLine(written is null
                ? $"unchanged: the newest checkpoint already records the head ({since.Checkpoint?.Sequence ?? 0} entries)."
                : $"checkpoint: {written.Sequence} entries; head {written.Head}; at {written.At:O}");
        }, ct));

        var output = new Option<string?>("--output") { Description = "Write to this file instead of standard output." };
        var export = new Command("export", "Write every audit entry as one JSON object per line, in order.") { output };
        export.SetAction((result, ct) => AdminCommands.ReadAsync(async (services, ct2) =>
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

        return new Command("audit", "The tamper-evident audit trail.") { verify, checkpoint, export };
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

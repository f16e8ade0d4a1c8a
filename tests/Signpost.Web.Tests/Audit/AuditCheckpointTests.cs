using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Audit;
using Signpost.Web.Tests.Cli;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Audit;

/// <summary>
/// The anchored head: the service checkpoints the chain when it starts, <c>signpost audit checkpoint</c> writes
/// one on demand, and after the newest entries are deleted straight in the database — which the walk from
/// entry 1 cannot see — <c>audit verify</c> and <c>audit verify --since-checkpoint</c> report it.
/// </summary>
public sealed class AuditCheckpointTests(JobsApp app) : IClassFixture<JobsApp>
{
    [Fact]
    public async Task DeletingTheNewestEntries_AfterACheckpoint_IsReportedByVerify()
    {
        // Arrange: the service's own checkpoint at start (the bootstrap's entries), then acts and one on demand.
        var atStart = await WaitForCheckpointAsync();
        var startHead = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).FirstAsync());
        Assert.Equal(startHead.Sequence, atStart.Sequence);
        Assert.Equal(startHead.Hash, atStart.Head);

        foreach (var n in new[] { 1, 2, 3 })
        {
            var created = await RunAsync("orgs", "create", "--slug", TestAccounts.Unique($"cp{n}"), "--name", $"Checkpoint Clinic {n}");
            Assert.True(created.ExitCode == 0, created.ToString());
        }

        var checkpointed = await RunAsync("audit", "checkpoint");
        var head = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).FirstAsync());
        var intactSince = await RunAsync("audit", "verify", "--since-checkpoint");

        // Act: the newest two entries deleted, as someone covering their tracks would.
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM \"AuditEntries\" WHERE \"Sequence\" > {head.Sequence - 2}"));
        var walk = await app.WithServicesAsync(services => services.GetRequiredService<AuditTrail>().VerifyAsync(null, CancellationToken.None));
        var verify = await RunAsync("audit", "verify");
        var since = await RunAsync("audit", "verify", "--since-checkpoint");
        var again = await RunAsync("audit", "checkpoint");

        // Assert: the checkpoint recorded the head, and the chain verified from it.
        Assert.True(checkpointed.ExitCode == 0, checkpointed.ToString());
        // Printed for the operator, and logged (the copy outside the database) with the same numbers.
        Assert.Contains(checkpointed.Stdout.Split('\n'), l => l.StartsWith($"checkpoint: {head.Sequence} entries; head {head.Hash}", StringComparison.Ordinal));
        Assert.Contains($"Audit checkpoint: {head.Sequence} entries, head {head.Hash}", checkpointed.Stdout, StringComparison.Ordinal);
        var stored = await app.WithDbAsync(db => db.AuditCheckpoints.AsNoTracking().OrderByDescending(c => c.Id).FirstAsync());
        Assert.Equal(head.Sequence, stored.Sequence);
        Assert.Equal(head.Hash, stored.Head);
        Assert.True(intactSince.ExitCode == 0, intactSince.ToString());
        Assert.StartsWith($"intact since checkpoint: entries {head.Sequence}–{head.Sequence}", intactSince.Stdout.Trim(), StringComparison.Ordinal);

        // Assert: the walk from entry 1 alone sees nothing wrong; the checkpoint does.
        Assert.True(walk.Intact);
        Assert.Equal(head.Sequence - 2, walk.Entries);
        var expected = $"BROKEN at entry {head.Sequence}: entry {head.Sequence}, the head at the checkpoint of ";
        var reason = $"is missing (the trail now ends at entry {head.Sequence - 2}): the newest entries were deleted";
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains(expected, verify.Stderr, StringComparison.Ordinal);
        Assert.Contains(reason, verify.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, since.ExitCode);
        Assert.Contains(expected, since.Stderr, StringComparison.Ordinal);
        Assert.Contains(reason, since.Stderr, StringComparison.Ordinal);

        // Assert: a damaged chain is never anchored as if it were whole.
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("No checkpoint was written", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(stored.Id, await app.WithDbAsync(db => db.AuditCheckpoints.MaxAsync(c => c.Id)));
    }

    private async Task<AuditCheckpoint> WaitForCheckpointAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            if (await app.WithDbAsync(db => db.AuditCheckpoints.AsNoTracking().OrderBy(c => c.Id).FirstOrDefaultAsync()) is { } checkpoint)
            {
                return checkpoint;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The service wrote no audit checkpoint at start.");
    }

    private Task<CliRun> RunAsync(params string[] args) => SignpostCommand.RunAsync(app.ConnectionString, app.Folder, null, args);
}

using Microsoft.EntityFrameworkCore;
using Signpost.Core.Audit;
using Signpost.Data.Tests.Infrastructure;

namespace Signpost.Data.Tests.Stores;

/// <summary>
/// Audit checkpoints on both databases: the newest is found, the entries from the checkpoint's head on are
/// read in order, and a tail deleted after a checkpoint is reported while the walk from entry 1 passes.
/// </summary>
public sealed class AuditCheckpointStoreContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Checkpoint_ThenTheNewestEntriesDeleted_IsReported(string provider)
    {
        // Arrange: five entries, a checkpoint at the third and one at the fifth.
        var host = await StartAsync(provider);
        var time = TimeProvider.System;
        await host.WithAsync<IAuditStore>(async store =>
        {
            var trail = new AuditTrail(store, time);
            foreach (var n in Enumerable.Range(1, 5))
            {
                await trail.RecordAsync(AuditActor.CommandLine(), new AuditRecord("test.act", "test", n.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null, new { n }), CancellationToken.None);
            }
        });
        var third = await host.DbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Sequence == 3));
        await host.WithAsync<IAuditCheckpointStore>(store => store.AddAsync(new AuditCheckpoint { Sequence = 3, Head = third.Hash, At = Now }, CancellationToken.None));
        var written = await WithCheckpointsAsync(host, time, c => c.WriteAsync(CancellationToken.None));

        // Act
        var latest = await host.WithAsync<IAuditCheckpointStore, AuditCheckpoint?>(store => store.LatestAsync(CancellationToken.None));
        var fromFour = await host.WithAsync<IAuditCheckpointStore, List<long>>(async store =>
        {
            var sequences = new List<long>();
            await foreach (var entry in store.ReadFromAsync(4, CancellationToken.None))
            {
                sequences.Add(entry.Sequence);
            }

            return sequences;
        });
        var intact = await WithCheckpointsAsync(host, time, c => c.VerifySinceCheckpointAsync(CancellationToken.None));
        await host.DbAsync(async db =>
        {
            db.AuditEntries.RemoveRange(db.AuditEntries.Where(e => e.Sequence >= 4));
            await db.SaveChangesAsync();
        });
        var walk = await host.WithAsync<IAuditStore, AuditVerification>(store => new AuditTrail(store, time).VerifyAsync(null, CancellationToken.None));
        var cut = await WithCheckpointsAsync(host, time, c => c.VerifySinceCheckpointAsync(CancellationToken.None));

        // Assert
        Assert.Equal(5, written.Written!.Sequence);
        Assert.True(written.SincePrevious.Intact);
        Assert.Equal((5L, written.Written.Head), (latest!.Sequence, latest.Head));
        Assert.Equal([4L, 5L], fromFour);
        Assert.True(intact.Intact);
        Assert.True(walk.Intact);
        Assert.Equal(3, walk.Entries);
        Assert.False(cut.Intact);
        Assert.Equal(5, cut.Verification.FirstBad);
        Assert.Contains("is missing (the trail now ends at entry 3): the newest entries were deleted", cut.Verification.Problem, StringComparison.Ordinal);
    }

    private static Task<T> WithCheckpointsAsync<T>(StoreHost host, TimeProvider time, Func<AuditCheckpoints, Task<T>> call) =>
        host.WithAsync<IAuditStore, T>(store => host.WithAsync<IAuditCheckpointStore, T>(checkpoints => call(new AuditCheckpoints(store, checkpoints, time))));
}

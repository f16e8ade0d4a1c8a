using System.Runtime.CompilerServices;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Audit;

namespace Signpost.Core.Tests.Audit;

/// <summary>The hash chain: intact when untouched; an edit, a deletion or a reordering is found at its first entry.</summary>
public sealed class AuditTrailTests
{
    private readonly ListAuditStore _store = new();
    private readonly AuditTrail _trail;

    public AuditTrailTests() => _trail = new AuditTrail(_store, new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)));

    [Fact]
    public async Task Record_ChainsEachEntryToThePreviousOne_AndVerifiesIntact()
    {
        var first = await RecordAsync("account.unlock");
        var second = await RecordAsync("organization.policy");

        var verification = await _trail.VerifyAsync(null, CancellationToken.None);

        Assert.Equal(1, first.Sequence);
        Assert.Equal(AuditTrail.Genesis, first.PreviousHash);
        Assert.Equal(first.Hash, second.PreviousHash);
        Assert.Equal(AuditTrail.ComputeHash(second), second.Hash);
        Assert.True(verification.Intact);
        Assert.Equal(2, verification.Entries);
        Assert.Equal(second.Hash, verification.Head);
    }

    [Theory]
    [InlineData("after")]
    [InlineData("actor")]
    [InlineData("at")]
    [InlineData("ip")]
    public async Task Verify_EditedEntry_NamesIt(string field)
    {
        await SeedAsync(5);
        var victim = _store.Entries[2];
        switch (field)
        {
            case "after": victim.After = "{\"Roles\":\"Owner\"}"; break;
            case "actor": victim.Actor = "cli:someone-else@host"; break;
            case "at": victim.At = victim.At.AddMinutes(-5); break;
            default: victim.ClientIp = "203.0.113.66"; break;
        }

        var verification = await _trail.VerifyAsync(null, CancellationToken.None);

        Assert.Equal(3, verification.FirstBad);
        Assert.Contains("was changed after it was written", verification.Problem, StringComparison.Ordinal);
        Assert.Equal(2, verification.Entries);
    }

    [Fact]
    public async Task Verify_EditedEntryWithItsHashRecomputed_IsFoundAtTheNextEntry()
    {
        await SeedAsync(5);
        var victim = _store.Entries[2];
        victim.After = "{\"forged\":true}";
        victim.Hash = AuditTrail.ComputeHash(victim);

        var verification = await _trail.VerifyAsync(null, CancellationToken.None);

        Assert.Equal(4, verification.FirstBad);
        Assert.Contains("does not follow entry 3", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_DeletedEntry_NamesTheGap()
    {
        await SeedAsync(5);
        _store.Entries.RemoveAt(1);

        var verification = await _trail.VerifyAsync(null, CancellationToken.None);

        Assert.Equal(2, verification.FirstBad);
        Assert.Contains("entry 2 is missing", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ReorderedEntries_NamesTheFirstMovedOne()
    {
        await SeedAsync(5);
        // Swap the contents of entries 3 and 4 but keep their sequence numbers in place.
        (_store.Entries[2].Sequence, _store.Entries[3].Sequence) = (_store.Entries[3].Sequence, _store.Entries[2].Sequence);
        _store.Entries.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));

        var verification = await _trail.VerifyAsync(null, CancellationToken.None);

        Assert.Equal(3, verification.FirstBad);
        Assert.False(verification.Intact);
    }

    [Fact]
    public async Task Record_ConcurrentAppends_MakeOneChainWithoutGaps()
    {
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => RecordAsync($"act.{i}"))));

        var verification = await _trail.VerifyAsync(null, CancellationToken.None);

        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(40, verification.Entries);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), _store.Entries.Select(e => e.Sequence));
    }

    private Task<AuditEntry> RecordAsync(string action) =>
        _trail.RecordAsync(AuditActor.Account(Guid.NewGuid(), "ann.admin", "198.51.100.7", "0af7651916cd43dd8448eb211c80319c"),
            new AuditRecord(action, "account", Guid.NewGuid().ToString(), null, new { Roles = "Staff" }, new { Roles = "PracticeAdmin" }), CancellationToken.None);

    private async Task SeedAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await RecordAsync($"act.{i}");
        }
    }

    /// <summary>An in-memory store with the same rule as the database: a sequence number is taken once.</summary>
    private sealed class ListAuditStore : IAuditStore
    {
        private readonly Lock _gate = new();

        public List<AuditEntry> Entries { get; } = [];

        public Task<AuditEntry?> LastAsync(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                return Task.FromResult(Entries.Count == 0 ? null : Entries.MaxBy(e => e.Sequence));
            }
        }

        public Task<bool> TryAppendAsync(AuditEntry entry, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                if (Entries.Any(e => e.Sequence == entry.Sequence))
                {
                    return Task.FromResult(false);
                }

                Entries.Add(entry);
                Entries.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
                return Task.FromResult(true);
            }
        }

        public async IAsyncEnumerable<AuditEntry> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            List<AuditEntry> snapshot;
            lock (_gate)
            {
                snapshot = [.. Entries];
            }

            foreach (var entry in snapshot)
            {
                await Task.Yield();
                yield return entry;
            }
        }

        public Task<IReadOnlyList<AuditEntry>> ListForTargetAsync(string targetType, string targetId, int take, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AuditEntry>>([.. Entries.Where(e => e.TargetType == targetType && e.TargetId == targetId).Reverse().Take(take)]);
    }
}

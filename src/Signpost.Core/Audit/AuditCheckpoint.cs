namespace Signpost.Core.Audit;

/// <summary>
/// The head of the audit chain at one moment: how many entries there were and the hash of the last one.
/// Written periodically to the log and to its own table, so that a cut-off tail (the newest entries
/// deleted, which leaves no gap and breaks no link) is seen at the next verification. See docs/audit.md.
/// </summary>
public sealed class AuditCheckpoint
{
    public long Id { get; set; }
    /// <summary>The sequence number of the head entry, which is also the number of entries.</summary>
    public long Sequence { get; set; }
    /// <summary>The head entry's hash.</summary>
    public required string Head { get; set; }
    public DateTimeOffset At { get; set; }
}

public interface IAuditCheckpointStore
{
    /// <summary>The checkpoint with the highest sequence number, or null when none was written.</summary>
    Task<AuditCheckpoint?> LatestAsync(CancellationToken cancellationToken);

    Task AddAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>The entries from <paramref name="sequence"/> (inclusive) on, in sequence order, streamed.</summary>
    IAsyncEnumerable<AuditEntry> ReadFromAsync(long sequence, CancellationToken cancellationToken);
}

/// <summary>The outcome of checking the chain from a checkpoint to the head.</summary>
/// <param name="Checkpoint">The checkpoint the check started from; null when none was ever written.</param>
/// <param name="Verification">Entries from the checkpoint's head on; <c>Entries</c> is the sequence of the last one that fits.</param>
public sealed record AuditCheckpointVerification(AuditCheckpoint? Checkpoint, AuditVerification Verification)
{
    public bool Intact => Checkpoint is not null && Verification.Intact;
}

/// <summary>
/// Anchors the head of the audit chain: <see cref="WriteAsync"/> records the head (after checking that the
/// chain still runs unbroken from the previous checkpoint), and <see cref="VerifySinceCheckpointAsync"/>
/// checks that the entry a checkpoint named is still there, unchanged, and that the chain runs on from it.
/// </summary>
public sealed class AuditCheckpoints(IAuditStore store, IAuditCheckpointStore checkpoints, TimeProvider time)
{
    /// <summary>
    /// Writes a checkpoint of the current head unless nothing was appended since the last one. Returns the
    /// checkpoint written (null when none was needed) and the check from the previous checkpoint; when that
    /// check fails nothing is written, so a damaged chain is never anchored as if it were whole.
    /// </summary>
    public async Task<(AuditCheckpoint? Written, AuditCheckpointVerification SincePrevious)> WriteAsync(CancellationToken cancellationToken)
    {
        var since = await VerifySinceCheckpointAsync(cancellationToken);
        if (since.Checkpoint is not null && !since.Verification.Intact)
        {
            return (null, since);
        }

        var head = await store.LastAsync(cancellationToken);
        if (head is null || (since.Checkpoint is { } previous && previous.Sequence == head.Sequence && previous.Head == head.Hash))
        {
            return (null, since);
        }

        var checkpoint = new AuditCheckpoint
        {
            Sequence = head.Sequence,
            Head = head.Hash,
            At = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds()),
        };
        await checkpoints.AddAsync(checkpoint, cancellationToken);
        return (checkpoint, since);
    }

    /// <summary>
    /// From the newest checkpoint to the head: the checkpoint's entry must still exist with the hash it had,
    /// and every entry after it must follow it. Deleting the newest entries is found here, where the full walk
    /// from entry 1 sees nothing wrong.
    /// </summary>
    public async Task<AuditCheckpointVerification> VerifySinceCheckpointAsync(CancellationToken cancellationToken)
    {
        var checkpoint = await checkpoints.LatestAsync(cancellationToken);
        if (checkpoint is null)
        {
            return new(null, new AuditVerification(0, AuditTrail.Genesis, null, null));
        }

        var at = checkpoint.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        var expected = checkpoint.Sequence;
        var previous = checkpoint.Head;
        await foreach (var entry in checkpoints.ReadFromAsync(checkpoint.Sequence, cancellationToken))
        {
            if (expected == checkpoint.Sequence)
            {
                if (entry.Sequence != checkpoint.Sequence)
                {
                    break;
                }

                if (!string.Equals(entry.Hash, checkpoint.Head, StringComparison.Ordinal) || !string.Equals(AuditTrail.ComputeHash(entry), entry.Hash, StringComparison.Ordinal))
                {
                    return new(checkpoint, new AuditVerification(expected - 1, previous, expected,
                        $"entry {expected} is not the one the checkpoint of {at} recorded as the head (hash {checkpoint.Head}): it was changed or replaced"));
                }
            }
            else if (AuditTrail.Mismatch(entry, expected, previous) is { } problem)
            {
                return new(checkpoint, new AuditVerification(expected - 1, previous, expected, problem));
            }

            previous = entry.Hash;
            expected++;
        }

        if (expected == checkpoint.Sequence)
        {
            var last = await store.LastAsync(cancellationToken);
            var cut = (last?.Sequence ?? 0) < checkpoint.Sequence;
            var endsAt = last is null ? "the trail is empty" : $"the trail now ends at entry {last.Sequence}";
            return new(checkpoint, new AuditVerification(Math.Min(last?.Sequence ?? 0, checkpoint.Sequence - 1), previous, checkpoint.Sequence,
                $"entry {checkpoint.Sequence}, the head at the checkpoint of {at}, is missing ({endsAt}): " + (cut ? "the newest entries were deleted" : "deleted")));
        }

        return new(checkpoint, new AuditVerification(expected - 1, previous, null, null));
    }
}

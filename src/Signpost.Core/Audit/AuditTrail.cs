using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Signpost.Core.Audit;

/// <summary>The outcome of checking the whole chain.</summary>
/// <param name="Entries">How many entries were read.</param>
/// <param name="Head">The hash of the last entry (a checkpoint keeps it, to detect a cut-off tail: <see cref="AuditCheckpoints"/>).</param>
/// <param name="FirstBad">The sequence number of the first entry that does not fit, or null when all do.</param>
/// <param name="Problem">Why it does not fit, in plain words.</param>
public sealed record AuditVerification(long Entries, string Head, long? FirstBad, string? Problem)
{
    public bool Intact => FirstBad is null;
}

/// <summary>
/// Appends to and verifies the hash-chained audit trail. The hash of an entry is SHA-256 over a fixed
/// serialisation of every field but the hash itself, including the previous entry's hash; appends from
/// several nodes are ordered by the store's unique sequence number (a loser re-reads the head and
/// retries), so the chain never forks.
/// </summary>
public sealed class AuditTrail(IAuditStore store, TimeProvider time)
{
    /// <summary>The "previous hash" of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public async Task<AuditEntry> RecordAsync(AuditActor actor, AuditRecord record, CancellationToken cancellationToken)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        for (var attempt = 0; ; attempt++)
        {
            var last = await store.LastAsync(cancellationToken);
            var entry = new AuditEntry
            {
                Sequence = (last?.Sequence ?? 0) + 1,
                At = at,
                Actor = actor.Name,
                ActorAccountId = actor.AccountId,
                Action = record.Action,
                TargetType = record.TargetType,
                TargetId = record.TargetId,
                OrganizationId = record.OrganizationId,
                Before = record.Before is null ? null : JsonSerializer.Serialize(record.Before, Json),
                After = record.After is null ? null : JsonSerializer.Serialize(record.After, Json),
                ClientIp = actor.ClientIp,
                TraceId = actor.TraceId,
                PreviousHash = last?.Hash ?? Genesis,
                Hash = "",
            };
            entry.Hash = ComputeHash(entry);
            if (await store.TryAppendAsync(entry, cancellationToken))
            {
                return entry;
            }

            if (attempt >= 20)
            {
                throw new InvalidOperationException("The audit trail is too busy to append to; the act was not recorded.");
            }
        }
    }

    /// <summary>Walks the chain from the first entry; names the first entry that was edited, removed or moved.</summary>
    public async Task<AuditVerification> VerifyAsync(IProgress<long>? progress, CancellationToken cancellationToken)
    {
        long expected = 1;
        var previous = Genesis;
        await foreach (var entry in store.ReadAllAsync(cancellationToken))
        {
            if (Mismatch(entry, expected, previous) is { } problem)
            {
                return new AuditVerification(expected - 1, previous, expected, problem);
            }

            previous = entry.Hash;
            progress?.Report(expected);
            expected++;
        }

        return new AuditVerification(expected - 1, previous, null, null);
    }

    /// <summary>Why <paramref name="entry"/> does not fit as entry <paramref name="expected"/> after a head of <paramref name="previous"/>, or null when it does.</summary>
    public static string? Mismatch(AuditEntry entry, long expected, string previous)
    {
        if (entry.Sequence != expected)
        {
            return $"entry {expected} is missing (the next one stored is {entry.Sequence}): deleted";
        }

        if (!string.Equals(entry.PreviousHash, previous, StringComparison.Ordinal))
        {
            return $"entry {expected} does not follow entry {expected - 1}: the entries were reordered, or one before it was replaced";
        }

        return string.Equals(ComputeHash(entry), entry.Hash, StringComparison.Ordinal)
            ? null
            : $"entry {expected} was changed after it was written (its content no longer matches its hash)";
    }

    /// <summary>SHA-256 (lower-case hex) over the entry's fields in a fixed order, the previous hash included.</summary>
    public static string ComputeHash(AuditEntry entry)
    {
        var text = new StringBuilder();
        void Field(string? value) => text.Append(value is null ? "\u2400" : value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        Field(entry.Sequence.ToString(CultureInfo.InvariantCulture));
        Field(entry.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Field(entry.Actor);
        Field(entry.ActorAccountId?.ToString("D"));
        Field(entry.Action);
        Field(entry.TargetType);
        Field(entry.TargetId);
        Field(entry.OrganizationId?.ToString("D"));
        Field(entry.Before);
        Field(entry.After);
        Field(entry.ClientIp);
        Field(entry.TraceId);
        Field(entry.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

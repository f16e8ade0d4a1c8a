namespace Signpost.Core.Audit;

/// <summary>
/// One administrative or security-relevant act, appended to a hash chain: each entry carries the hash of
/// the one before it, so an edited, deleted or reordered entry breaks the chain at that point.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>The action written for every refused attempt to reach another practice's data (docs/security.md); it changed nothing.</summary>
    public const string RefusalAction = "access.denied";

    /// <summary>1, 2, 3, … without gaps; assigned by <see cref="AuditTrail"/>, unique in the store.</summary>
    public long Sequence { get; set; }
    /// <summary>UTC, to the millisecond (what every database keeps exactly, so the hash survives a round trip).</summary>
    public DateTimeOffset At { get; set; }
    /// <summary>Who acted: "account:{id} ({username})", "cli:{os user}@{machine}", or "self:{id}" for a person's own recovery.</summary>
    public required string Actor { get; set; }
    public Guid? ActorAccountId { get; set; }
    /// <summary>Dotted name of the act, e.g. <c>account.unlock</c>, <c>organization.policy</c>.</summary>
    public required string Action { get; set; }
    public required string TargetType { get; set; }
    public string? TargetId { get; set; }
    public Guid? OrganizationId { get; set; }
    /// <summary>The target before the act, as JSON; null when it did not exist.</summary>
    public string? Before { get; set; }
    /// <summary>The target after the act, as JSON; null when it no longer exists.</summary>
    public string? After { get; set; }
    public string? ClientIp { get; set; }
    public string? TraceId { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}

/// <summary>Who is acting, and from where: filled by the web request or the command line.</summary>
public sealed record AuditActor(string Name, Guid? AccountId, string? ClientIp, string? TraceId)
{
    public static AuditActor CommandLine(string? traceId = null) =>
        new($"cli:{Environment.UserName}@{Environment.MachineName}", null, null, traceId);

    public static AuditActor Account(Guid id, string username, string? clientIp, string? traceId) =>
        new($"account:{id} ({username})", id, clientIp, traceId);

    /// <summary>A person acting on their own account through a link (a reset, an unlock).</summary>
    public static AuditActor Self(Guid id, string username, string? clientIp, string? traceId) =>
        new($"self:{id} ({username})", id, clientIp, traceId);
}

/// <summary>What happened to what: the act and the target's state before and after (any JSON-serialisable values).</summary>
public sealed record AuditRecord(string Action, string TargetType, string? TargetId, Guid? OrganizationId, object? Before, object? After);

public interface IAuditStore
{
    /// <summary>The entry with the highest sequence, or null for an empty trail.</summary>
    Task<AuditEntry?> LastAsync(CancellationToken cancellationToken);

    /// <summary>Appends; false when another writer took this sequence number first (the caller re-chains and retries).</summary>
    Task<bool> TryAppendAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Every entry in sequence order, streamed.</summary>
    IAsyncEnumerable<AuditEntry> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>The newest entries about one target (an account's "recent changes").</summary>
    Task<IReadOnlyList<AuditEntry>> ListForTargetAsync(string targetType, string targetId, int take, CancellationToken cancellationToken);
}

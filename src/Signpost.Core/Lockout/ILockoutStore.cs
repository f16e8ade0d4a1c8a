namespace Signpost.Core.Lockout;

/// <summary>The result of counting one failure.</summary>
/// <param name="Counted">False when the key was already locked and the failure was not counted.</param>
/// <param name="FailureCount">The count after this failure (or at the lock).</param>
/// <param name="LockedUntil">Set when the key is locked, by this failure or an earlier one.</param>
public sealed record FailureTally(bool Counted, int FailureCount, DateTimeOffset? LockedUntil);

/// <summary>
/// Lockout counters. Implementations count with one atomic statement (an upsert with a conditional
/// increment), never read-modify-write: concurrent failures must count exactly (compare
/// CVE-2023-33170, where ASP.NET Core Identity's counter raced).
/// </summary>
public interface ILockoutStore
{
    Task<LockoutCounter?> GetAsync(Guid accountId, string deviceKey, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one failure unless the key is locked at <paramref name="now"/>. Starts a new window when the
    /// old one is over; locks for <paramref name="duration"/> when the count reaches <paramref name="threshold"/>.
    /// </summary>
    Task<FailureTally> RegisterFailureAsync(
        Guid accountId, string deviceKey, int threshold, TimeSpan window, TimeSpan duration,
        DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Clears the counter and any lock for the key (a successful sign-in, an unlock).</summary>
    Task ResetAsync(Guid accountId, string deviceKey, CancellationToken cancellationToken);

    /// <summary>Clears every counter of the account; returns how many keys were locked.</summary>
    Task<int> UnlockAllAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every counter of one account, locked or not, with any ended lock still recorded (the unlock request reads them).</summary>
    Task<IReadOnlyList<LockoutCounter>> ListForAccountAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>Every counter whose lock holds at <paramref name="now"/> (the escalation rules read them).</summary>
    Task<IReadOnlyList<LockoutCounter>> ListLockedAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Locks a key until <paramref name="until"/> (the demo practice, and support tools).</summary>
    Task LockAsync(Guid accountId, string deviceKey, int failureCount, DateTimeOffset until, CancellationToken cancellationToken);
}

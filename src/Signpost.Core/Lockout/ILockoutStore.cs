namespace Signpost.Core.Lockout;

/// <summary>The result of counting one failure.</summary>
/// <param name="Counted">False when the key was already locked and the failure was not counted.</param>
/// <param name="FailureCount">The count after this failure (or at the lock).</param>
/// <param name="LockedUntil">Set when the key is locked, by this failure or an earlier one.</param>
public sealed record FailureTally(bool Counted, int FailureCount, DateTimeOffset? LockedUntil);

/// <summary>Whether a password check may be hashed (<see cref="ILockoutStore.ReserveCheckAsync"/>).</summary>
/// <param name="Admitted">The check holds a place under the threshold: hash it, then settle it.</param>
/// <param name="LockedUntil">Refused because the key is locked until then; null when refused because the
/// failures and the checks already in flight reach the threshold (the lock is about to close).</param>
public sealed record CheckReservation(bool Admitted, DateTimeOffset? LockedUntil);

/// <summary>What settling a right password's check found (<see cref="ILockoutStore.ReleaseRightCheckAsync"/>).</summary>
/// <param name="HadFailures">The key had failures or a lock on record, which a completed sign-in then clears.</param>
/// <param name="LockedUntil">The key was locked while the password was hashed (support locked it, say): not let in.</param>
public sealed record ReleasedCheck(bool HadFailures, DateTimeOffset? LockedUntil);

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

    /// <summary>
    /// Counts a password check before it is hashed: admitted only while the key is not locked and its failures
    /// in the window plus the checks already in flight stay under <paramref name="threshold"/>, decided by one
    /// conditional update, so across nodes no more than the threshold are ever hashed against an open lock.
    /// An admitted check must be settled: <see cref="CountReservedFailureAsync"/>, <see cref="ReleaseRightCheckAsync"/>
    /// or <see cref="CancelCheckAsync"/>; one never settled stops counting after
    /// <see cref="LockoutCounter.ReservationLifetime"/> (docs/security.md, "Exact counting").
    /// </summary>
    Task<CheckReservation> ReserveCheckAsync(
        Guid accountId, string deviceKey, int threshold, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Settles an admitted check whose password was wrong: <see cref="RegisterFailureAsync"/>, and the check
    /// leaves the in-flight count in the same statement.
    /// </summary>
    Task<FailureTally> CountReservedFailureAsync(
        Guid accountId, string deviceKey, int threshold, TimeSpan window, TimeSpan duration,
        DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Settles an admitted check whose password was right: it leaves the in-flight count (the failures stay until
    /// the sign-in completes, <see cref="ResetAsync"/>), and the answer says whether a lock closed meanwhile.
    /// </summary>
    Task<ReleasedCheck> ReleaseRightCheckAsync(Guid accountId, string deviceKey, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Settles an admitted check that counts for nothing (cancelled, failed, or wrong during maintenance).</summary>
    Task CancelCheckAsync(Guid accountId, string deviceKey, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Clears the counter and any lock for the key (a successful sign-in, an unlock). Checks still in flight
    /// keep their places.
    /// </summary>
    Task ResetAsync(Guid accountId, string deviceKey, CancellationToken cancellationToken);

    /// <summary>Clears every counter of the account; returns how many keys were locked.</summary>
    Task<int> UnlockAllAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every counter of one account, locked or not, with any ended lock still recorded (the unlock request reads them).</summary>
    Task<IReadOnlyList<LockoutCounter>> ListForAccountAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>Every counter whose lock holds at <paramref name="now"/> (the escalation rules read them).</summary>
    Task<IReadOnlyList<LockoutCounter>> ListLockedAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the counters that hold nothing at <paramref name="now"/>: no failure that any lockout window could
    /// still count, no lock (nor one ended within <see cref="LockoutCounter.QuietBeforePurge"/>, which the unlock request
    /// reads), no check in flight. One conditional statement, so a check reserved concurrently keeps its row (or,
    /// deleted first, reserves on a new one). The unknown identifiers' sentinel row (<see cref="Guid.Empty"/>) stays.
    /// Returns how many went.
    /// </summary>
    Task<int> PurgeQuietAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Locks a key until <paramref name="until"/> (the demo practice, and support tools).</summary>
    Task LockAsync(Guid accountId, string deviceKey, int failureCount, DateTimeOffset until, CancellationToken cancellationToken);
}

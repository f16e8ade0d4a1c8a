using Signpost.Core.Events;
using Signpost.Core.Lockout;
using Signpost.Core.Passwords;
using Signpost.Core.Reasons;

namespace Signpost.Core.SignIn;

public sealed partial class PasswordSignIn
{
    /// <summary>
    /// The lock, then the password: while the key is locked nothing is counted and even the right password
    /// is refused; a wrong password is counted (except during maintenance). Null when the password is proven,
    /// and then <see cref="Attempt.PasswordProven"/> is set.
    /// Shared by sign-in and the change page so both count failures against the same lock. Always exactly one
    /// hash, so a lock is not visible in the response time.
    /// </summary>
    /// <remarks>
    /// The check is counted before its hash (<see cref="ILockoutStore.ReserveCheckAsync"/>): it is hashed only while
    /// the failures plus the checks in flight stay under the threshold, so a burst on any number of nodes checks no
    /// more than the threshold against an open lock; past that it is answered as a lock is (docs/security.md,
    /// "Exact counting"). After the hash a wrong password's place becomes a counted failure, a right one's is given
    /// back, and a cancelled or failed attempt gives it back too.
    /// While locked, the password is compared at most <see cref="LockedPasswordChecks"/> times per lock
    /// duration (the answer is the same; support reads whether it was right). Past that the hash runs against
    /// the dummy: the lock is not a loop for guessing with someone else's evidence (docs/security.md).
    /// </remarks>
    private async Task<SignInRefusal?> LockThenPasswordAsync(Attempt attempt, string where, CancellationToken cancellationToken)
    {
        var accountId = attempt.Account!.Id;
        var deviceKey = attempt.DeviceKey;
        var rules = LockoutRules.Strictest(attempt.Memberships.Select(m => m.Organization!.Policy));
        var whose = attempt.Device is null ? "untrusted browsers" : "this trusted device";
        var reservation = await lockouts.ReserveCheckAsync(accountId, deviceKey, rules.Threshold, rules.Window, attempt.At, cancellationToken);
        if (!reservation.Admitted)
        {
            return await RefuseUncheckedAsync(attempt, reservation.LockedUntil, whose, where, rules.Threshold, cancellationToken);
        }

        var settled = false;
        try
        {
            var refusal = await CheckReservedAsync(attempt, rules, whose, where, cancellationToken);
            settled = true;
            return refusal;
        }
        finally
        {
            if (!settled)
            {
                // Cancelled or failed between the reservation and its settling: the place is given back at once
                // (not with the request's token, which may be what ended it); should that fail too, it lapses
                // after LockoutCounter.ReservationLifetime.
                await GiveBackAsync(attempt, accountId, deviceKey);
            }
        }
    }

    /// <summary>
    /// The key is locked, or the checks already in flight fill what is left under the threshold: no check
    /// against an open lock, and the answer a lock gives. Still one hash and the lock's counter write, so it
    /// costs what a checked attempt costs.
    /// </summary>
    private async Task<SignInRefusal> RefuseUncheckedAsync(Attempt attempt, DateTimeOffset? lockedUntil, string whose, string where, int threshold, CancellationToken cancellationToken)
    {
        var accountId = attempt.Account!.Id;
        var password = attempt.Request.Password!;
        if (lockedUntil is { } until)
        {
            // No counting toward the lock while locked: it already holds, and counting would only extend the
            // attacker's reach. The write on the per-lock counter keeps a locked account as slow as an unlocked one.
            attempt.CounterFound = true;
            var checks = await lockedChecks.HitAsync(LockedChecksKey(accountId, attempt.DeviceKey), until.ToUnixTimeSeconds() / 60, cancellationToken);
            var compared = checks <= LockedPasswordChecks;
            attempt.Check = await attempt.HashAsync(() => hashing.Verify(compared ? attempt.Account.PasswordHash : null, password));
            attempt.HashDone();
            var said = compared
                ? $"password was {(attempt.Check == PasswordCheck.Wrong ? "wrong" : "correct")}"
                : $"password not checked (more than {LockedPasswordChecks} attempts during this lock)";
            return new(ReasonCodes.AccountLocked, $"Locked until {until:O} ({whose}){where}; {said}.") { LockedUntil = until };
        }

        // The lock is about to close: the failures and the checks in flight reach the threshold. Hashed against
        // the dummy (a checked attempt's cost), never compared.
        attempt.CounterFound = true;
        await lockedChecks.HitAsync(LockedChecksKey(accountId, attempt.DeviceKey), attempt.At.ToUnixTimeSeconds() / 60, cancellationToken);
        attempt.Check = await attempt.HashAsync(() => hashing.Verify(null, password));
        attempt.HashDone();
        return new(ReasonCodes.AccountLocked,
            $"Refused before the password check ({whose}){where}: failures and checks in flight reach the threshold of {threshold}; password not checked.");
    }

    /// <summary>The password of an admitted check, and its settling: a counted failure, or its place given back.</summary>
    private async Task<SignInRefusal?> CheckReservedAsync(Attempt attempt, LockoutRules rules, string whose, string where, CancellationToken cancellationToken)
    {
        var accountId = attempt.Account!.Id;
        var deviceKey = attempt.DeviceKey;
        attempt.Check = await attempt.HashAsync(() => hashing.Verify(attempt.Account.PasswordHash, attempt.Request.Password!));
        if (attempt.Check != PasswordCheck.CorrectNeedsRehash)
        {
            // The slot is kept for the new hash of a password stored at an older cost (ProvePasswordAsync).
            attempt.HashDone();
        }

        if (attempt.Check != PasswordCheck.Wrong)
        {
            // The place is given back, and the lock read in the same step: no concurrent wrong password can close it
            // while this one hashed (its place counted), but support can. Locked, a right password is refused as a
            // wrong one is then, so the check tells the guesser nothing.
            var released = await lockouts.ReleaseRightCheckAsync(accountId, deviceKey, attempt.At, cancellationToken);
            attempt.CounterFound = released.HadFailures;
            if (released.LockedUntil is { } lockedDuringHash && lockedDuringHash > attempt.At)
            {
                return new(ReasonCodes.AccountLocked, $"Locked until {lockedDuringHash:O} by a concurrent attempt{where} while this password was checked; password was correct.")
                {
                    LockedUntil = lockedDuringHash,
                };
            }

            attempt.PasswordProven = true;
            return null;
        }

        if (attempt.AccountWindow is { } planned)
        {
            await lockouts.CancelCheckAsync(accountId, deviceKey, attempt.At, cancellationToken);
            return new(ReasonCodes.InvalidCredentials, $"Wrong password{where}; not counted toward lockout during maintenance {planned.Id} ({planned.Scope}).");
        }

        // The failure and its event commit together, one write transaction (RecordAsync commits it).
        await BeginPendingWriteAsync(attempt, cancellationToken);
        var tally = await lockouts.CountReservedFailureAsync(accountId, deviceKey, rules.Threshold, rules.Window, rules.Duration, attempt.At, cancellationToken);
        if (!tally.Counted && tally.LockedUntil is { } lockedMeanwhile)
        {
            return new(ReasonCodes.AccountLocked, $"Locked until {lockedMeanwhile:O} by a concurrent attempt{where}; wrong password not counted.")
            {
                LockedUntil = lockedMeanwhile,
            };
        }

        var lockNote = tally.LockedUntil is { } lockedNow ? $"; this failure locked {whose} until {lockedNow:O}" : "";
        if (tally.LockedUntil is not null)
        {
            metrics?.LockEngaged(trustedDevice: attempt.Device is not null);
        }

        return new(ReasonCodes.InvalidCredentials, $"Wrong password{where} ({tally.FailureCount}/{rules.Threshold} within {rules.Window.TotalMinutes:0} min{lockNote}).")
        {
            LockedUntil = tally.LockedUntil,
        };
    }

    /// <summary>
    /// Opens the write transaction a counted failure shares with its event (<see cref="IWriteTransactions"/>): the
    /// database's write lock is taken once for both, not once each (docs/capacity.md, "Sign-ins per core").
    /// </summary>
    private async Task BeginPendingWriteAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        if (writes is not null)
        {
            attempt.PendingWrite = await writes.BeginAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Gives an unsettled check's place back, after rolling back a failure counted but not committed; a failure
    /// here leaves the place to lapse (<see cref="LockoutCounter.ReservationLifetime"/>).
    /// </summary>
    private async Task GiveBackAsync(Attempt attempt, Guid accountId, string deviceKey)
    {
        try
        {
            if (attempt.PendingWrite is { } pending)
            {
                attempt.PendingWrite = null;
                await pending.DisposeAsync();
            }

            await lockouts.CancelCheckAsync(accountId, deviceKey, attempt.At, CancellationToken.None);
        }
        catch (Exception)
        {
            // The original failure is the one to report; the place lapses on its own.
        }
    }

    /// <summary>How many attempts per lock duration have their password compared while the key is locked.</summary>
    public const int LockedPasswordChecks = 3;

    /// <summary>
    /// The counter of attempts made during one lock of one key (the counter's window is the lock's end, so
    /// each lock has its own budget; old windows are purged with the rate-limit counters).
    /// </summary>
    public static string LockedChecksKey(Guid accountId, string deviceKey) => $"locked-checks:{accountId:N}:{deviceKey}";

    /// <summary>
    /// An unknown identifier's check, on a row no account owns and no threshold locks: reserved before the hash
    /// and counted after it in one transaction with the event, the statements a wrong password on a real account
    /// costs, to even out response times.
    /// </summary>
    private async Task CheckOnSentinelAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        var rules = LockoutRules.Default;
        await lockouts.ReserveCheckAsync(Guid.Empty, LockoutCounter.UntrustedKey, int.MaxValue, rules.Window, attempt.At, cancellationToken);
        var settled = false;
        try
        {
            // Always exactly one hash: against the dummy when there is no account.
            _ = await attempt.HashAsync(() => hashing.Verify(null, attempt.Request.Password!));
            attempt.HashDone();
            await BeginPendingWriteAsync(attempt, cancellationToken);
            await lockouts.CountReservedFailureAsync(Guid.Empty, LockoutCounter.UntrustedKey, int.MaxValue, rules.Window, rules.Duration, attempt.At, cancellationToken);
            settled = true;
        }
        finally
        {
            if (!settled)
            {
                await GiveBackAsync(attempt, Guid.Empty, LockoutCounter.UntrustedKey);
            }
        }
    }
}

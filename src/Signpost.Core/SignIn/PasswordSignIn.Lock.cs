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
    /// While locked, the password is compared at most <see cref="LockedPasswordChecks"/> times per lock
    /// duration (the answer is the same; support reads whether it was right). Past that the hash runs against
    /// the dummy: the lock is not a loop for guessing with someone else's evidence (docs/security.md).
    /// </remarks>
    private async Task<SignInRefusal?> LockThenPasswordAsync(Attempt attempt, string where, CancellationToken cancellationToken)
    {
        var accountId = attempt.Account!.Id;
        var passwordHash = attempt.Account.PasswordHash;
        var password = attempt.Request.Password!;
        var deviceKey = attempt.DeviceKey;
        var rules = LockoutRules.Strictest(attempt.Memberships.Select(m => m.Organization!.Policy));
        var whose = attempt.Device is null ? "untrusted browsers" : "this trusted device";
        var counter = await lockouts.GetAsync(accountId, deviceKey, cancellationToken);
        attempt.CounterFound = counter is not null;
        if (counter?.LockedUntil is { } until && until > attempt.At)
        {
            // No counting toward the lock while locked: it already holds, and counting would only extend the
            // attacker's reach. The write on the per-lock counter keeps a locked account as slow as an unlocked one.
            var checks = await lockedChecks.HitAsync(LockedChecksKey(accountId, deviceKey), until.ToUnixTimeSeconds() / 60, cancellationToken);
            var compared = checks <= LockedPasswordChecks;
            attempt.Check = hashing.Verify(compared ? passwordHash : null, password);
            attempt.HashDone();
            var said = compared
                ? $"password was {(attempt.Check == PasswordCheck.Wrong ? "wrong" : "correct")}"
                : $"password not checked (more than {LockedPasswordChecks} attempts during this lock)";
            return new(ReasonCodes.AccountLocked, $"Locked until {until:O} ({whose}){where}; {said}.") { LockedUntil = until };
        }

        attempt.Check = hashing.Verify(passwordHash, password);
        if (attempt.Check != PasswordCheck.CorrectNeedsRehash)
        {
            // The slot is kept for the new hash of a password stored at an older cost (ProvePasswordAsync).
            attempt.HashDone();
        }

        var check = attempt.Check;
        if (check != PasswordCheck.Wrong)
        {
            // The lock is read again before a right password is let in: concurrent wrong passwords (one per hash
            // slot) may have locked the key while this hash ran. Without this read a burst could check a few more
            // passwords than the threshold against an unlocked account, and a right one among them would sign in.
            // Refused, it answers what a wrong one does then, so the extra check tells the guesser nothing.
            if (await lockouts.GetAsync(accountId, deviceKey, cancellationToken) is { LockedUntil: { } lockedDuringHash } && lockedDuringHash > attempt.At)
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
            await CountOnSentinelAsync(attempt, cancellationToken);
            return new(ReasonCodes.InvalidCredentials, $"Wrong password{where}; not counted toward lockout during maintenance {planned.Id} ({planned.Scope}).");
        }

        var tally = await lockouts.RegisterFailureAsync(accountId, deviceKey, rules.Threshold, rules.Window, rules.Duration, attempt.At, cancellationToken);
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

    /// <summary>How many attempts per lock duration have their password compared while the key is locked.</summary>
    public const int LockedPasswordChecks = 3;

    /// <summary>
    /// The counter of attempts made during one lock of one key (the counter's window is the lock's end, so
    /// each lock has its own budget; old windows are purged with the rate-limit counters).
    /// </summary>
    public static string LockedChecksKey(Guid accountId, string deviceKey) => $"locked-checks:{accountId:N}:{deviceKey}";

    /// <summary>A counted failure on a row no account owns and no threshold locks, to even out response times.</summary>
    private Task CountOnSentinelAsync(Attempt attempt, CancellationToken cancellationToken) =>
        lockouts.RegisterFailureAsync(Guid.Empty, LockoutCounter.UntrustedKey, int.MaxValue,
            LockoutRules.Default.Window, LockoutRules.Default.Duration, attempt.At, cancellationToken);
}

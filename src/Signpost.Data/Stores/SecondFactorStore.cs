using Microsoft.EntityFrameworkCore;
using Signpost.Core.Lockout;
using Signpost.Core.Mfa;

namespace Signpost.Data.Stores;

/// <summary>
/// Authenticators, recovery codes and the second-factor counter. What must hold under concurrency is one
/// conditional statement each: a step is taken only if later than the last (<see cref="TryUseStepAsync"/>), a
/// code only while unused (<see cref="RedeemRecoveryCodeAsync"/>), and wrong codes are counted the way
/// <see cref="LockoutStore"/> counts wrong passwords.
/// </summary>
internal sealed class SecondFactorStore(SignpostDbContext db) : ISecondFactorStore
{
    public async Task<IReadOnlyList<TotpAuthenticator>> ListAuthenticatorsAsync(Guid accountId, CancellationToken cancellationToken) =>
        await db.TotpAuthenticators.AsNoTracking().Where(a => a.AccountId == accountId).OrderBy(a => a.CreatedAt).ToListAsync(cancellationToken);

    public async Task<IReadOnlyDictionary<Guid, int>> CountConfirmedAsync(IReadOnlyCollection<Guid> accountIds, CancellationToken cancellationToken)
    {
        var authenticators = await db.TotpAuthenticators.AsNoTracking()
            .Where(a => accountIds.Contains(a.AccountId) && a.ConfirmedAt != null)
            .GroupBy(a => a.AccountId)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var passkeys = await db.Passkeys.AsNoTracking()
            .Where(p => accountIds.Contains(p.AccountId))
            .GroupBy(p => p.AccountId)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return authenticators.Concat(passkeys).GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
    }

    public async Task<IReadOnlyList<Passkey>> ListPasskeysAsync(Guid accountId, CancellationToken cancellationToken) =>
        await db.Passkeys.AsNoTracking().Where(p => p.AccountId == accountId).OrderBy(p => p.CreatedAt).ToListAsync(cancellationToken);

    public Task<Passkey?> FindPasskeyAsync(byte[] credentialId, CancellationToken cancellationToken) =>
        db.Passkeys.AsNoTracking().FirstOrDefaultAsync(p => p.CredentialId == credentialId, cancellationToken);

    public async Task<bool> AddPasskeyAsync(Passkey passkey, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Passkeys.Add(passkey);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique index on the credential ID: the same authenticator registered twice.
            db.Entry(passkey).State = EntityState.Detached;
            return false;
        }

        db.Entry(passkey).State = EntityState.Detached;
        await db.SecondFactorStates.Where(s => s.AccountId == passkey.AccountId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EnrolmentRequired, false).SetProperty(x => x.GraceStartedAt, (DateTimeOffset?)null), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> RemovePasskeyAsync(Guid passkeyId, Guid accountId, CancellationToken cancellationToken) =>
        await db.Passkeys.Where(p => p.Id == passkeyId && p.AccountId == accountId).ExecuteDeleteAsync(cancellationToken) == 1;

    public async Task<bool> TryUsePasskeyAsync(Guid passkeyId, long signCount, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Passkeys
            .Where(p => p.Id == passkeyId && (p.SignCount < signCount || (signCount == 0 && p.SignCount == 0)))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.SignCount, signCount).SetProperty(p => p.LastUsedAt, now), cancellationToken) == 1;

    public async Task AddAuthenticatorAsync(TotpAuthenticator authenticator, CancellationToken cancellationToken)
    {
        db.TotpAuthenticators.Add(authenticator);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(authenticator).State = EntityState.Detached;
    }

    public async Task<bool> ConfirmAuthenticatorAsync(Guid authenticatorId, Guid accountId, long step, int skewSteps, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var confirmed = await db.TotpAuthenticators
            .Where(a => a.Id == authenticatorId && a.AccountId == accountId && a.ConfirmedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.ConfirmedAt, now)
                .SetProperty(a => a.LastUsedStep, step)
                .SetProperty(a => a.LastUsedAt, now)
                .SetProperty(a => a.MeasuredSkewSteps, skewSteps)
                .SetProperty(a => a.SkewMeasuredAt, now), cancellationToken);
        if (confirmed == 1)
        {
            await db.SecondFactorStates.Where(s => s.AccountId == accountId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.EnrolmentRequired, false).SetProperty(x => x.GraceStartedAt, (DateTimeOffset?)null), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return confirmed == 1;
    }

    public async Task<bool> RemoveAuthenticatorAsync(Guid authenticatorId, Guid accountId, CancellationToken cancellationToken) =>
        await db.TotpAuthenticators.Where(a => a.Id == authenticatorId && a.AccountId == accountId).ExecuteDeleteAsync(cancellationToken) == 1;

    public async Task<bool> TryUseStepAsync(Guid authenticatorId, long step, int skewSteps, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.TotpAuthenticators
            .Where(a => a.Id == authenticatorId && a.ConfirmedAt != null && a.LastUsedStep < step)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.LastUsedStep, step)
                .SetProperty(a => a.LastUsedAt, now)
                .SetProperty(a => a.MeasuredSkewSteps, skewSteps)
                .SetProperty(a => a.SkewMeasuredAt, now), cancellationToken) == 1;

    public Task RecordSkewAsync(Guid authenticatorId, int skewSteps, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.TotpAuthenticators.Where(a => a.Id == authenticatorId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.MeasuredSkewSteps, skewSteps).SetProperty(a => a.SkewMeasuredAt, now), cancellationToken);

    public async Task ReplaceRecoveryCodesAsync(Guid accountId, IReadOnlyList<string> hashes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.RecoveryCodes.Where(c => c.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);
        var set = Guid.NewGuid();
        var codes = hashes.Select(h => new RecoveryCode { AccountId = accountId, SetId = set, Hash = h, CreatedAt = now }).ToList();
        db.RecoveryCodes.AddRange(codes);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var code in codes)
        {
            db.Entry(code).State = EntityState.Detached;
        }
    }

    public async Task<bool> RedeemRecoveryCodeAsync(Guid accountId, string hash, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.RecoveryCodes
            .Where(c => c.AccountId == accountId && c.Hash == hash && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), cancellationToken) == 1;

    public Task<int> CountRecoveryCodesLeftAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.RecoveryCodes.CountAsync(c => c.AccountId == accountId && c.UsedAt == null, cancellationToken);

    public Task<SecondFactorState?> GetStateAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.SecondFactorStates.AsNoTracking().FirstOrDefaultAsync(s => s.AccountId == accountId, cancellationToken);

    public async Task<FailureTally> RegisterFailureAsync(Guid accountId, int threshold, TimeSpan window, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var windowStart = now - window;
        var lockUntil = now + duration;
        for (var attempt = 0; ; attempt++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

            // As LockoutStore: every SET reads the row as it was before the statement, so count, window and
            // lock are decided together, atomically, and only while not locked.
            var updated = await db.SecondFactorStates
                .Where(c => c.AccountId == accountId && (c.LockedUntil == null || c.LockedUntil <= now))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.FailureCount, c => c.WindowStartedAt > windowStart && c.LockedUntil == null ? c.FailureCount + 1 : 1)
                    .SetProperty(c => c.WindowStartedAt, c => c.WindowStartedAt > windowStart && c.LockedUntil == null ? c.WindowStartedAt : now)
                    .SetProperty(c => c.LockedUntil, c => (c.WindowStartedAt > windowStart && c.LockedUntil == null ? c.FailureCount + 1 : 1) >= threshold ? lockUntil : (DateTimeOffset?)null)
                    .SetProperty(c => c.LastFailureAt, now),
                    cancellationToken);
            if (updated == 1)
            {
                var row = await GetStateAsync(accountId, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new FailureTally(true, row!.FailureCount, row.LockedUntil);
            }

            var existing = await GetStateAsync(accountId, cancellationToken);
            if (existing is { LockedUntil: { } lockedUntil } && lockedUntil > now)
            {
                await transaction.CommitAsync(cancellationToken);
                return new FailureTally(false, existing.FailureCount, existing.LockedUntil);
            }

            if (existing is not null && attempt < 3)
            {
                // Another request inserted the row after this UPDATE looked: count on it.
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            try
            {
                var state = new SecondFactorState
                {
                    AccountId = accountId,
                    FailureCount = 1,
                    WindowStartedAt = now,
                    LockedUntil = threshold <= 1 ? lockUntil : null,
                    LastFailureAt = now,
                };
                db.SecondFactorStates.Add(state);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                db.Entry(state).State = EntityState.Detached;
                return new FailureTally(true, 1, state.LockedUntil);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another request inserted the row a moment earlier: count on it.
                DetachStates();
            }
        }
    }

    public Task ResetFailuresAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.SecondFactorStates.Where(s => s.AccountId == accountId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.FailureCount, 0)
                .SetProperty(x => x.LockedUntil, (DateTimeOffset?)null), cancellationToken);

    public async Task<DateTimeOffset> StartGraceAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await EnsureStateAsync(accountId, cancellationToken);
        // Only the first sign-in that meets the requirement starts the grace; later ones read it.
        await db.SecondFactorStates.Where(s => s.AccountId == accountId && s.GraceStartedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.GraceStartedAt, now), cancellationToken);
        return (await GetStateAsync(accountId, cancellationToken))!.GraceStartedAt!.Value;
    }

    public async Task<int> ResetAllAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Joins the caller's transaction when there is one (an administrator's act commits with its audit entry).
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var removed = await db.TotpAuthenticators.Where(a => a.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);
            removed += await db.Passkeys.Where(p => p.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);
            await db.RecoveryCodes.Where(c => c.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);
            var updated = await db.SecondFactorStates.Where(s => s.AccountId == accountId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.FailureCount, 0)
                    .SetProperty(x => x.LockedUntil, (DateTimeOffset?)null)
                    .SetProperty(x => x.ResetAt, now)
                    .SetProperty(x => x.GraceStartedAt, now)
                    .SetProperty(x => x.EnrolmentRequired, true), cancellationToken);
            if (updated == 0)
            {
                var state = new SecondFactorState { AccountId = accountId, ResetAt = now, GraceStartedAt = now, EnrolmentRequired = true };
                db.SecondFactorStates.Add(state);
                await db.SaveChangesAsync(cancellationToken);
                db.Entry(state).State = EntityState.Detached;
            }

            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }

            return removed;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>The account's state row, inserted when missing; a concurrent insert of the same row is fine.</summary>
    private async Task EnsureStateAsync(Guid accountId, CancellationToken cancellationToken)
    {
        if (await db.SecondFactorStates.AnyAsync(s => s.AccountId == accountId, cancellationToken))
        {
            return;
        }

        try
        {
            db.SecondFactorStates.Add(new SecondFactorState { AccountId = accountId });
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request inserted it first.
        }
        finally
        {
            DetachStates();
        }
    }

    // Only this store's rows: whatever else the request's context tracks stays as it is.
    private void DetachStates()
    {
        foreach (var entry in db.ChangeTracker.Entries<SecondFactorState>().ToList())
        {
            entry.State = EntityState.Detached;
        }
    }
}

using Signpost.Core.Lockout;

namespace Signpost.Core.Mfa;

/// <summary>
/// A person's authenticators, recovery codes and second-factor counter. Every check that must hold under
/// concurrency is one conditional statement in the database: a time step is used once, a recovery code is
/// redeemed once, and wrong codes count exactly (as <see cref="ILockoutStore"/> counts wrong passwords).
/// </summary>
public interface ISecondFactorStore
{
    Task<IReadOnlyList<TotpAuthenticator>> ListAuthenticatorsAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>How many second factors (confirmed authenticators and passkeys) each account has; accounts without one are left out.</summary>
    Task<IReadOnlyDictionary<Guid, int>> CountConfirmedAsync(IReadOnlyCollection<Guid> accountIds, CancellationToken cancellationToken);

    Task AddAuthenticatorAsync(TotpAuthenticator authenticator, CancellationToken cancellationToken);

    /// <summary>Marks an unconfirmed authenticator confirmed with the step of its first code and clears <see cref="SecondFactorState.EnrolmentRequired"/>; false when it is not the account's or already confirmed.</summary>
    Task<bool> ConfirmAuthenticatorAsync(Guid authenticatorId, Guid accountId, long step, int skewSteps, DateTimeOffset now, CancellationToken cancellationToken);

    Task<bool> RemoveAuthenticatorAsync(Guid authenticatorId, Guid accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Accepts <paramref name="step"/> for the authenticator only if it is later than the last accepted one (one
    /// conditional update); false for a replay, also when another request accepted the same code a moment earlier.
    /// </summary>
    Task<bool> TryUseStepAsync(Guid authenticatorId, long step, int skewSteps, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records the clock skew measured from a code refused as skewed.</summary>
    Task RecordSkewAsync(Guid authenticatorId, int skewSteps, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Replaces the account's recovery codes with a new set of hashes, in one transaction: the old set is void.</summary>
    Task ReplaceRecoveryCodesAsync(Guid accountId, IReadOnlyList<string> hashes, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks the unused code with this hash used (one conditional update); false when none is left to use.</summary>
    Task<bool> RedeemRecoveryCodeAsync(Guid accountId, string hash, DateTimeOffset now, CancellationToken cancellationToken);

    Task<int> CountRecoveryCodesLeftAsync(Guid accountId, CancellationToken cancellationToken);

    Task<SecondFactorState?> GetStateAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>Counts one wrong code unless the second factor is locked; the same contract as <see cref="ILockoutStore.RegisterFailureAsync"/>.</summary>
    Task<FailureTally> RegisterFailureAsync(Guid accountId, int threshold, TimeSpan window, TimeSpan duration, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Clears the counter and any lock (a code accepted, an assisted reset).</summary>
    Task ResetFailuresAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>The start of the account's enrolment grace: the one already recorded, or <paramref name="now"/>, recorded now.</summary>
    Task<DateTimeOffset> StartGraceAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<Passkey>> ListPasskeysAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>The passkey with this credential ID, whoever holds it; null when none is registered.</summary>
    Task<Passkey?> FindPasskeyAsync(byte[] credentialId, CancellationToken cancellationToken);

    /// <summary>Adds a passkey and clears <see cref="SecondFactorState.EnrolmentRequired"/>; false when its credential ID is already registered.</summary>
    Task<bool> AddPasskeyAsync(Passkey passkey, CancellationToken cancellationToken);

    Task<bool> RemovePasskeyAsync(Guid passkeyId, Guid accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Records an accepted assertion: the new signature counter and the time, in one conditional update that
    /// holds only while the stored counter is lower (or both are zero, for authenticators that keep none); false
    /// when another request used a counter this high first (a cloned authenticator, or a replay).
    /// </summary>
    Task<bool> TryUsePasskeyAsync(Guid passkeyId, long signCount, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The assisted reset: removes every authenticator, passkey and recovery code, clears the counter, and marks the
    /// account to enrol at its next sign-in. Returns how many authenticators were removed.
    /// </summary>
    Task<int> ResetAllAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Encrypts TOTP secrets at rest (with the data-protection key ring, so a database copy alone cannot read them).</summary>
public interface ISecondFactorSecrets
{
    string Protect(byte[] secret);

    /// <summary>The secret, or null when it cannot be read (another key ring, a damaged value).</summary>
    byte[]? Unprotect(string protectedSecret);
}

using Signpost.Core.Accounts;

namespace Signpost.Core.Administration;

/// <summary>
/// A practice's people as its administrators change them: one person's act (roles, disable, unlock, remove,
/// reassign, ...) stored with its audit entries in one transaction, guarded by the account's version.
/// </summary>
public interface IPracticeMemberStore
{
    /// <summary>The account with its memberships and their organizations, read to be changed with <see cref="TryChangeAsync"/>; null when there is none.</summary>
    Task<Account?> FindForChangeAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>Adds a membership to an account read with <see cref="FindForChangeAsync"/>; stored by the <see cref="TryChangeAsync"/> it is part of.</summary>
    void AddMembership(Account account, Membership membership);

    /// <summary>
    /// One act in one transaction: runs <paramref name="change"/> (it changes the account, may end sessions or add a
    /// membership, and says what it did), raises the account's version and stores it, then runs
    /// <paramref name="withChange"/> (the audit entries); if that throws, nothing is kept. Returns the sentence of
    /// <paramref name="change"/>; null, with nothing kept and the account forgotten (<see cref="Forget"/>), when
    /// someone else changed the account since it was read.
    /// </summary>
    Task<string?> TryChangeAsync(Account account, Func<CancellationToken, Task<string>> change, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken);

    /// <summary>Forgets the account and its memberships as read, so the next read sees the database and nothing of a failed change.</summary>
    void Forget(Account account);
}

namespace Signpost.Core.Accounts;

/// <summary>Holds for review (<see cref="AccountHold"/>): the account's <see cref="Account.Flagged"/> state, changed with what goes with it.</summary>
public interface IAccountHoldStore
{
    /// <summary>
    /// Sets the hold to <paramref name="held"/> if it is not so already (one conditional update: of two agents acting
    /// at once, one changes it and the other gets false), bumps the account's version, then runs
    /// <paramref name="withChange"/> (ending sessions, the audit entry) in the same transaction: if it throws, nothing
    /// is kept. False, with nothing changed, when the account is already in that state or does not exist.
    /// </summary>
    Task<bool> TrySetHeldAsync(Guid accountId, bool held, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken);
}

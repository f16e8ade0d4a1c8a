namespace Signpost.Core.SingleSignOn;

/// <summary>An organization's single sign-on connection as operators create and change it.</summary>
public interface ISsoConnectionStore
{
    /// <summary>The organization's connection, read to be changed and then given to <see cref="SaveAsync"/>; null when it has none.</summary>
    Task<SsoConnection?> FindForChangeAsync(Guid organizationId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="connection"/> — a new one, or the one <see cref="FindForChangeAsync"/> returned, as changed —
    /// then runs <paramref name="withChange"/> (the audit entry) in the same transaction: if it throws, neither is kept.
    /// </summary>
    Task SaveAsync(SsoConnection connection, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the connection <see cref="FindForChangeAsync"/> returned, and with it (foreign keys with cascade) its
    /// links and health history, then runs <paramref name="withChange"/> (the audit entry) in the same transaction:
    /// if it throws, nothing is removed.
    /// </summary>
    Task RemoveAsync(SsoConnection connection, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken);
}

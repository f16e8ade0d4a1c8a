using Signpost.Core.Accounts;
using Signpost.Core.Organizations;

namespace Signpost.Core.Administration;

/// <summary>
/// Organizations and accounts as platform operators create and change them (provisioning, the platform console,
/// first run). Every write runs <c>withChange</c> — the act's audit entry — in the same transaction: if it throws,
/// nothing is kept, so there is no act without its entry.
/// </summary>
public interface IPlatformStore
{
    /// <summary>The organization with that (normalized) slug, read to be changed and given to <see cref="SaveOrganizationAsync"/>; null when there is none.</summary>
    Task<Organization?> FindOrganizationForChangeAsync(string slug, CancellationToken cancellationToken);

    /// <summary>The account whose normalized username or email is <paramref name="key"/>, read to be changed and given to <see cref="SaveAccountAsync"/>; null when there is none.</summary>
    Task<Account?> FindAccountForChangeAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores a new organization, then runs <paramref name="withChange"/> in the same transaction.</summary>
    Task AddOrganizationAsync(Organization organization, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken);

    /// <summary>Stores a new account with its memberships, then runs <paramref name="withChange"/> in the same transaction.</summary>
    Task AddAccountAsync(Account account, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken);

    /// <summary>
    /// Stores what was changed on an organization read with <see cref="FindOrganizationForChangeAsync"/> (its details,
    /// network ranges, and its policy when <paramref name="policyChanged"/>), then runs <paramref name="withChange"/> in the same transaction.
    /// </summary>
    Task SaveOrganizationAsync(Organization organization, bool policyChanged, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken);

    /// <summary>Stores what was changed on an account read with <see cref="FindAccountForChangeAsync"/>, then runs <paramref name="withChange"/> in the same transaction.</summary>
    Task SaveAccountAsync(Account account, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken);
}

using Signpost.Core.Accounts;
using Signpost.Core.Organizations;

namespace Signpost.Core.SingleSignOn;

/// <summary>An account a provider's email or NPI matches: whether it is an active member of the connection's practice, and whether it holds a platform role.</summary>
public sealed record SsoLinkCandidate(Guid AccountId, bool Member, bool Staff);

/// <summary>What a single sign-on reads and writes to find the Signpost account: links by subject, matches by email or NPI, just-in-time accounts (docs/sso.md).</summary>
public interface ISsoLinkStore
{
    /// <summary>The practice, read fresh: a connection from the scheme cache carries a copy that may be old.</summary>
    Task<Organization?> FindOrganizationAsync(Guid organizationId, CancellationToken cancellationToken);

    Task<SsoLink?> FindLinkAsync(Guid connectionId, string subject, CancellationToken cancellationToken);

    /// <summary>The account whose email is <paramref name="email"/>, seen from the practice <paramref name="organizationId"/>; null when none.</summary>
    Task<SsoLinkCandidate?> FindByEmailAsync(Guid organizationId, string email, CancellationToken cancellationToken);

    /// <summary>The account whose NPI is <paramref name="npi"/>, seen from the practice <paramref name="organizationId"/>; null when none.</summary>
    Task<SsoLinkCandidate?> FindByNpiAsync(Guid organizationId, string npi, CancellationToken cancellationToken);

    /// <summary>Whether any account has this username, email (both compared normalized) or NPI.</summary>
    Task<bool> IsTakenAsync(IdentifierKind kind, string value, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="link"/>, then runs <paramref name="audit"/> in the same transaction (if it throws, nothing is kept).</summary>
    Task LinkAsync(SsoLink link, Func<CancellationToken, Task> audit, CancellationToken cancellationToken);

    /// <summary>Stores a just-in-time <paramref name="account"/> (with its memberships) and its <paramref name="link"/>, then runs <paramref name="audit"/>, all in one transaction.</summary>
    Task CreateAsync(Account account, SsoLink link, Func<CancellationToken, Task> audit, CancellationToken cancellationToken);
}

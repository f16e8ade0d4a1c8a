using Signpost.Core.Organizations;

namespace Signpost.Core.Accounts;

/// <summary>How a typed identifier was read.</summary>
public enum IdentifierKind
{
    Username,
    Email,
    Npi,
}

public interface IAccountStore
{
    /// <summary>The account an identifier names, with memberships and their organizations loaded.</summary>
    Task<Account?> FindByIdentifierAsync(IdentifierKind kind, string identifier, CancellationToken cancellationToken);

    Task<Account?> FindByIdAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Stores a hash of the same password with newer parameters; nothing else changes.</summary>
    Task UpdatePasswordHashAsync(Guid accountId, string passwordHash, CancellationToken cancellationToken);

    /// <summary>Stores a new password: clears "must change", activates a pending account, stamps the time.</summary>
    Task SetPasswordAsync(Guid accountId, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken);
}

public interface IOrganizationStore
{
    Task<Organization?> FindBySlugAsync(string slug, CancellationToken cancellationToken);
}

/// <summary>Reads a typed identifier the way sign-in does: email by its @, NPI by ten digits, otherwise a username.</summary>
public static class Identifiers
{
    public static IdentifierKind Classify(string identifier)
    {
        var trimmed = identifier.Trim();
        if (trimmed.Contains('@', StringComparison.Ordinal))
        {
            return IdentifierKind.Email;
        }

        return trimmed.Length == 10 && trimmed.All(char.IsAsciiDigit) ? IdentifierKind.Npi : IdentifierKind.Username;
    }
}

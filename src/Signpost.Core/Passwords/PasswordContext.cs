using Signpost.Core.Accounts;

namespace Signpost.Core.Passwords;

/// <summary>Everything the rules need to know about whose password it is.</summary>
/// <param name="Account">The account: its username, email, NPI and display name are context words.</param>
/// <param name="OrganizationNames">The names of the practices the person belongs to: context words too.</param>
public sealed record PasswordContext(Account Account, IReadOnlyList<string> OrganizationNames)
{
    /// <summary>True when the account has a second factor: the minimum is then 8 characters instead of 15 (NIST SP 800-63B §3.1.1.2).</summary>
    public bool MfaEnrolled { get; init; }

    /// <summary>Earlier password hashes (<see cref="PasswordHashing"/> format); a match fails rule <see cref="PasswordRules.Reused"/>.</summary>
    public IReadOnlyList<string> RecentHashes { get; init; } = [];

    /// <summary>The current password when the caller knows it (the change page): the same fails rule <see cref="PasswordRules.Unchanged"/>.</summary>
    public string? CurrentPassword { get; init; }
}

using Signpost.Core.Accounts;

namespace Signpost.Core.Passwords;

/// <summary>The accounts password expiry concerns, and the one write it needs: an operator's extension.</summary>
public interface IPasswordExpiryDirectory
{
    /// <summary>
    /// Active accounts with an active membership in an organization whose policy turns expiry on, with
    /// their memberships and organizations loaded (not tracked). Every other account's password never expires.
    /// </summary>
    Task<IReadOnlyList<Account>> ListAccountsWithExpiryAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Sets <see cref="Account.PasswordExpiryExtensionDays"/> to <paramref name="days"/>, only while the
    /// account's password is still the one changed at <paramref name="passwordChangedAt"/> (a new password
    /// starts without an extension). False when no account matched: unknown, or its password changed meanwhile.
    /// </summary>
    Task<bool> SetExtensionAsync(Guid accountId, DateTimeOffset? passwordChangedAt, int days, CancellationToken cancellationToken);
}

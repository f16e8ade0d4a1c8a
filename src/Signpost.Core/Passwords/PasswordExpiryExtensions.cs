using Signpost.Core.Accounts;

namespace Signpost.Core.Passwords;

public enum ExpiryExtensionStatus
{
    /// <summary>The extension is stored; <see cref="ExpiryExtensionResult.ExpiresAt"/> says what it changed.</summary>
    Granted,

    /// <summary>No account has this ID.</summary>
    UnknownAccount,

    /// <summary>The number of days is outside 1–365.</summary>
    InvalidDays,
}

/// <summary>What granting an extension did.</summary>
/// <param name="Status">Granted, or why not.</param>
/// <param name="Account">The account, with the new extension, when it exists.</param>
/// <param name="PreviousExpiresAt">When the password expired before the grant (null: expiry is off for the account).</param>
/// <param name="ExpiresAt">When it expires now (null: expiry is off; the extension applies if a practice turns it on).</param>
/// <param name="StillExpired">The new date is also past: the next sign-in still asks for a new password.</param>
public sealed record ExpiryExtensionResult(
    ExpiryExtensionStatus Status,
    Account? Account = null,
    DateTimeOffset? PreviousExpiresAt = null,
    DateTimeOffset? ExpiresAt = null,
    bool StillExpired = false);

/// <summary>
/// An operator's extension of one person's password expiry (docs/design.md §7: "an admin can grant an extension"):
/// the password expires <c>days</c> later than the practice's policy says. The extension replaces any
/// earlier one rather than adding to it, so a repeated request is harmless; a new password drops it.
/// </summary>
public sealed class PasswordExpiryExtensions(IAccountStore accounts, IPasswordExpiryDirectory directory, TimeProvider time)
{
    public const int MinDays = 1;

    /// <summary>A year: beyond it the practice should turn expiry off for everyone, not extend one person.</summary>
    public const int MaxDays = 365;

    public static bool IsValidDays(long days) => days is >= MinDays and <= MaxDays;

    public async Task<ExpiryExtensionResult> GrantAsync(Guid accountId, int days, CancellationToken cancellationToken)
    {
        if (!IsValidDays(days))
        {
            return new ExpiryExtensionResult(ExpiryExtensionStatus.InvalidDays);
        }

        // The write holds only while the password read here is still current, so an extension meant for
        // the old password never lands on a new one chosen meanwhile. A change in between means reading again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var account = await accounts.FindByIdAsync(accountId, cancellationToken);
            if (account is null)
            {
                return new ExpiryExtensionResult(ExpiryExtensionStatus.UnknownAccount);
            }

            var organizations = PasswordExpiry.OrganizationsOf(account);
            var before = PasswordExpiry.ExpiresAt(account, organizations);
            if (!await directory.SetExtensionAsync(accountId, account.PasswordChangedAt, days, cancellationToken))
            {
                continue;
            }

            account.PasswordExpiryExtensionDays = days;
            var after = PasswordExpiry.ExpiresAt(account, organizations);
            return new ExpiryExtensionResult(ExpiryExtensionStatus.Granted, account, before, after, after is { } at && time.GetUtcNow() >= at);
        }

        throw new InvalidOperationException($"The password of account {accountId} kept changing while an extension was granted.");
    }
}

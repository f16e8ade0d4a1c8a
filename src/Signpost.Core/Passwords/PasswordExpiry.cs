using Signpost.Core.Accounts;
using Signpost.Core.Organizations;

namespace Signpost.Core.Passwords;

/// <summary>
/// Expiry is off by default (NIST SP 800-63B, ASVS 6.2.10); an organization may turn it on. The
/// strictest organization the person signs in to decides, plus any extension an admin granted.
/// </summary>
public static class PasswordExpiry
{
    /// <summary>When the password expired, or null when it has not (or expiry is off everywhere).</summary>
    public static DateTimeOffset? ExpiredAt(Account account, IEnumerable<Organization> organizations, DateTimeOffset now)
    {
        var days = organizations.Select(o => o.Policy.PasswordExpiryDays).Where(d => d is not null).Min();
        if (days is null)
        {
            return null;
        }

        // An account imported without a change date is counted from its creation, not exempted.
        var changed = account.PasswordChangedAt ?? account.CreatedAt;

        var expiresAt = changed.AddDays(days.Value + account.PasswordExpiryExtensionDays);
        return now >= expiresAt ? expiresAt : null;
    }
}

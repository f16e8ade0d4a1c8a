using Signpost.Core.Accounts;
using Signpost.Core.Organizations;

namespace Signpost.Core.Passwords;

/// <summary>
/// Expiry is off by default (NIST SP 800-63B, ASVS 6.2.10); an organization may turn it on. The
/// strictest organization the person signs in to decides, plus any extension an admin granted. Sign-in,
/// the reminders, the home-page notice and the extension all read this one rule.
/// </summary>
public static class PasswordExpiry
{
    /// <summary>When the password expires (past or future), or null when no organization turns expiry on.</summary>
    public static DateTimeOffset? ExpiresAt(Account account, IEnumerable<Organization> organizations)
    {
        var days = organizations.Select(o => o.Policy.PasswordExpiryDays).Where(d => d is not null).Min();
        if (days is null)
        {
            return null;
        }

        return CountedFrom(account).AddDays(days.Value + account.PasswordExpiryExtensionDays);
    }

    /// <summary>When the password expired, or null when it has not (or expiry is off everywhere).</summary>
    public static DateTimeOffset? ExpiredAt(Account account, IEnumerable<Organization> organizations, DateTimeOffset now) =>
        ExpiresAt(account, organizations) is { } expiresAt && now >= expiresAt ? expiresAt : null;

    /// <summary>
    /// The instant the password's age is counted from: its last change. An account imported without a
    /// change date is counted from its creation, not exempted.
    /// </summary>
    public static DateTimeOffset CountedFrom(Account account) => account.PasswordChangedAt ?? account.CreatedAt;

    /// <summary>
    /// The organizations whose policy applies outside a sign-in (reminders, the home page): those of the
    /// account's memberships that give access. Memberships must be loaded with their organizations.
    /// </summary>
    public static IReadOnlyList<Organization> OrganizationsOf(Account account) =>
        [.. account.Memberships.Where(m => m.GivesAccess && m.Organization is not null).Select(m => m.Organization!)];

    /// <summary>Whole days left, rounded up: 13 days and 2 hours is "14 days", 3 hours is "1 day"; 0 once expired.</summary>
    public static int DaysLeft(DateTimeOffset expiresAt, DateTimeOffset now) =>
        now >= expiresAt ? 0 : (int)Math.Ceiling((expiresAt - now).TotalDays);
}

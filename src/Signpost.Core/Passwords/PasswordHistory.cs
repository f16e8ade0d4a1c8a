namespace Signpost.Core.Passwords;

/// <summary>One earlier password of an account, kept as its hash while an organization's history needs it.</summary>
public sealed class PasswordHistoryEntry
{
    public long Id { get; set; }
    public Guid AccountId { get; set; }
    public required string PasswordHash { get; set; }
    /// <summary>When this password stopped being the current one.</summary>
    public DateTimeOffset ReplacedAt { get; set; }
}

public interface IPasswordHistoryStore
{
    /// <summary>The most recent earlier password hashes, newest first.</summary>
    Task<IReadOnlyList<string>> RecentAsync(Guid accountId, int take, CancellationToken cancellationToken);

    /// <summary>Remembers a replaced password and forgets all but the newest <paramref name="keep"/> (none when 0).</summary>
    Task RememberAsync(Guid accountId, string passwordHash, DateTimeOffset replacedAt, int keep, CancellationToken cancellationToken);
}

/// <summary>
/// An organization's history of N means a new password may not be the current one or any of the N−1
/// before it; an account in several organizations gets the deepest history among them.
/// </summary>
public static class PasswordHistoryRule
{
    public static int Depth(IEnumerable<Organizations.Organization> organizations) =>
        organizations.Select(o => o.Policy.PasswordHistoryCount).DefaultIfEmpty(0).Max();

    /// <summary>The hashes a new password must not match (empty when history is off).</summary>
    public static async Task<IReadOnlyList<string>> ForbiddenHashesAsync(this IPasswordHistoryStore store, Accounts.Account account, int depth, CancellationToken cancellationToken)
    {
        if (depth <= 0 || account.PasswordHash is not { } current)
        {
            return [];
        }

        var earlier = depth > 1 ? await store.RecentAsync(account.Id, depth - 1, cancellationToken) : [];
        return [current, .. earlier];
    }

    /// <summary>Remembers the password being replaced (and forgets what the depth no longer needs; all of it when history is off).</summary>
    public static Task RememberReplacedAsync(this IPasswordHistoryStore store, Accounts.Account account, int depth, DateTimeOffset at, CancellationToken cancellationToken) =>
        account.PasswordHash is { } replaced
            ? store.RememberAsync(account.Id, replaced, at, Math.Max(depth - 1, 0), cancellationToken)
            : Task.CompletedTask;
}

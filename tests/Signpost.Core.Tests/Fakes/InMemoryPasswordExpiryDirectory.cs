using Signpost.Core.Accounts;
using Signpost.Core.Passwords;

namespace Signpost.Core.Tests.Fakes;

/// <summary>
/// Lists copies of the accounts in an <see cref="InMemoryAccountStore"/> the way the SQL directory does
/// (untracked snapshots), so a test can change the stored account after the list was read.
/// </summary>
public sealed class InMemoryPasswordExpiryDirectory(InMemoryAccountStore accounts) : IPasswordExpiryDirectory
{
    private readonly List<Guid> _ids = [];

    /// <summary>Runs after the list is read, before the caller acts on it.</summary>
    public Action? AfterList { get; set; }

    /// <summary>Runs at the start of each extension write (to change the account under the writer).</summary>
    public Action? BeforeWrite { get; set; }

    /// <summary>How many times an extension write found the password changed and wrote nothing.</summary>
    public int StaleWrites { get; private set; }

    public void Track(Account account)
    {
        accounts.Add(account);
        _ids.Add(account.Id);
    }

    public async Task<IReadOnlyList<Account>> ListAccountsWithExpiryAsync(CancellationToken cancellationToken)
    {
        var listed = new List<Account>();
        foreach (var id in _ids)
        {
            if (await accounts.FindByIdAsync(id, cancellationToken) is { Status: AccountStatus.Active } account
                && account.Memberships.Any(m => m.GivesAccess && m.Organization?.Policy.PasswordExpiryDays is not null))
            {
                listed.Add(Copy(account));
            }
        }

        AfterList?.Invoke();
        return listed;
    }

    public async Task<bool> SetExtensionAsync(Guid accountId, DateTimeOffset? passwordChangedAt, int days, CancellationToken cancellationToken)
    {
        BeforeWrite?.Invoke();
        if (await accounts.FindByIdAsync(accountId, cancellationToken) is not { } account)
        {
            return false;
        }

        if (account.PasswordChangedAt != passwordChangedAt)
        {
            StaleWrites++;
            return false;
        }

        account.PasswordExpiryExtensionDays = days;
        return true;
    }

    private static Account Copy(Account a) => new()
    {
        Id = a.Id,
        Username = a.Username,
        NormalizedUsername = a.NormalizedUsername,
        Email = a.Email,
        NormalizedEmail = a.NormalizedEmail,
        DisplayName = a.DisplayName,
        Status = a.Status,
        PasswordHash = a.PasswordHash,
        PasswordChangedAt = a.PasswordChangedAt,
        MustChangePassword = a.MustChangePassword,
        Flagged = a.Flagged,
        PasswordExpiryExtensionDays = a.PasswordExpiryExtensionDays,
        CreatedAt = a.CreatedAt,
        Memberships = [.. a.Memberships],
    };
}

using System.Collections.Concurrent;
using Signpost.Core.Accounts;

namespace Signpost.Core.Tests.Fakes;

/// <summary>Accounts in a dictionary; counts lookups so a test can prove a path never reached the store.</summary>
public sealed class InMemoryAccountStore : IAccountStore
{
    private readonly ConcurrentDictionary<Guid, Account> _accounts = new();
    private int _identifierLookups;

    public int IdentifierLookups => _identifierLookups;

    public ConcurrentQueue<(Guid AccountId, string PasswordHash)> PasswordHashUpdates { get; } = new();

    public ConcurrentQueue<(Guid AccountId, string PasswordHash, DateTimeOffset At)> PasswordsSet { get; } = new();

    public void Add(Account account) => _accounts[account.Id] = account;

    public Task<Account?> FindByIdentifierAsync(IdentifierKind kind, string identifier, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _identifierLookups);
        var normalized = Account.Normalize(identifier);
        var found = _accounts.Values.FirstOrDefault(a => kind switch
        {
            IdentifierKind.Username => a.NormalizedUsername == normalized,
            IdentifierKind.Email => a.NormalizedEmail == normalized,
            IdentifierKind.Npi => a.Npi == identifier.Trim(),
            _ => false,
        });
        return Task.FromResult(found);
    }

    public Task<Account?> FindByIdAsync(Guid id, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.GetValueOrDefault(id));

    public Task UpdatePasswordHashAsync(Guid accountId, string passwordHash, CancellationToken cancellationToken)
    {
        PasswordHashUpdates.Enqueue((accountId, passwordHash));
        _accounts[accountId].PasswordHash = passwordHash;
        return Task.CompletedTask;
    }

    public Task SetPasswordAsync(Guid accountId, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken)
    {
        PasswordsSet.Enqueue((accountId, passwordHash, at));
        var account = _accounts[accountId];
        account.PasswordHash = passwordHash;
        account.PasswordChangedAt = at;
        account.MustChangePassword = false;
        if (account.Status == AccountStatus.PendingActivation)
        {
            account.Status = AccountStatus.Active;
        }

        return Task.CompletedTask;
    }
}

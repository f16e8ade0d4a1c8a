using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;

namespace Signpost.Data.Stores;

internal sealed class PracticeMemberStore(SignpostDbContext db) : IPracticeMemberStore
{
    public Task<Account?> FindForChangeAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Accounts.Include(a => a.Memberships).ThenInclude(m => m.Organization).FirstOrDefaultAsync(a => a.Id == accountId, cancellationToken);

    /// <summary>
    /// Adds through the DbSet: a membership's ID is set when it is created, and EF would take a keyed
    /// entity found only through a navigation for an existing row to update.
    /// </summary>
    public void AddMembership(Account account, Membership membership)
    {
        db.Memberships.Add(membership);
        if (!account.Memberships.Contains(membership))
        {
            account.Memberships.Add(membership);
        }
    }

    public async Task<string?> TryChangeAsync(Account account, Func<CancellationToken, Task<string>> change, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        string message;
        try
        {
            message = await change(cancellationToken);
            account.Version++;
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The version is the concurrency token: someone else's change won the race between the read and this write.
            await transaction.RollbackAsync(cancellationToken);
            Forget(account);
            return null;
        }

        await withChange(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return message;
    }

    public void Forget(Account account)
    {
        foreach (var membership in account.Memberships)
        {
            db.Entry(membership).State = EntityState.Detached;
        }

        db.Entry(account).State = EntityState.Detached;
    }
}

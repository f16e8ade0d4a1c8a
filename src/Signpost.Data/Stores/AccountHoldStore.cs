using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;

namespace Signpost.Data.Stores;

internal sealed class AccountHoldStore(SignpostDbContext db) : IAccountHoldStore
{
    public async Task<bool> TrySetHeldAsync(Guid accountId, bool held, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // A conditional update: two agents acting at once change the state once, and the loser is told so.
        var changed = await db.Accounts.Where(a => a.Id == accountId && a.Flagged != held)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Flagged, held).SetProperty(a => a.Version, a => a.Version + 1), cancellationToken);
        if (changed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await withChange(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}

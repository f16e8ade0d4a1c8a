using Microsoft.EntityFrameworkCore;
using Signpost.Core.SingleSignOn;

namespace Signpost.Data.Stores;

internal sealed class SsoConnectionStore(SignpostDbContext db) : ISsoConnectionStore
{
    public Task<SsoConnection?> FindForChangeAsync(Guid organizationId, CancellationToken cancellationToken) =>
        db.SsoConnections.FirstOrDefaultAsync(c => c.OrganizationId == organizationId, cancellationToken);

    public async Task SaveAsync(SsoConnection connection, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Entry(connection).State == EntityState.Detached)
        {
            db.SsoConnections.Add(connection);
        }

        await db.SaveChangesAsync(cancellationToken);
        await withChange(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RemoveAsync(SsoConnection connection, Func<CancellationToken, Task> withChange, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The database removes the links and health records (ON DELETE CASCADE): they are not loaded here.
        db.SsoConnections.Remove(connection);
        await db.SaveChangesAsync(cancellationToken);
        await withChange(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Signpost.Core.Events;

namespace Signpost.Data.Stores;

/// <summary>
/// A transaction on the request's <see cref="SignpostDbContext"/>, which every store of the request shares, so
/// their statements join it. On SQLite it begins <c>BEGIN IMMEDIATE</c>: the write lock is taken once, at the start.
/// EF Core's automatic savepoints are off while it is open (each <c>SaveChanges</c> would add a savepoint and its
/// release, a round trip each on PostgreSQL); a store that may fail and retry inside it takes its own
/// (<see cref="LockoutStore"/>).
/// </summary>
internal sealed class WriteTransactions(SignpostDbContext db) : IWriteTransactions
{
    public async Task<IWriteTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        return new Open(db, transaction, savepoints);
    }

    private sealed class Open(SignpostDbContext db, IDbContextTransaction transaction, bool savepoints) : IWriteTransaction
    {
        public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            // Uncommitted, it rolls back here.
            await transaction.DisposeAsync();
            db.Database.AutoSavepointsEnabled = savepoints;
        }
    }
}

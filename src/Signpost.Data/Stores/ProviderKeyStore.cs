using Microsoft.EntityFrameworkCore;
using Signpost.Core.OpenIdProvider;

namespace Signpost.Data.Stores;

internal sealed class ProviderKeyStore(SignpostDbContext db) : IProviderKeyStore
{
    public async Task<IReadOnlyList<ProviderKey>> ListAsync(CancellationToken cancellationToken) =>
        (await db.ProviderKeys.AsNoTracking().ToListAsync(cancellationToken)).OrderByDescending(k => k.CreatedAt).ToList();

    public async Task<bool> AddCurrentAsync(ProviderKey created, DateTimeOffset now, DateTimeOffset forgetRetiredBefore, bool onlyIfNone, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stored = await db.ProviderKeys.Where(k => k.Use == created.Use).ToListAsync(cancellationToken);
        try
        {
            if (onlyIfNone && stored.Count > 0)
            {
                return false;
            }

            foreach (var current in stored.Where(k => k.RetiredAt is null))
            {
                current.RetiredAt = now;
            }

            db.ProviderKeys.RemoveRange(stored.Where(k => k.RetiredAt is { } retired && retired < forgetRetiredBefore));
            db.ProviderKeys.Add(created);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException) when (onlyIfNone)
        {
            // Another node made the first key at the same moment: theirs is as good.
            return false;
        }
        finally
        {
            foreach (var key in stored.Append(created))
            {
                db.Entry(key).State = EntityState.Detached;
            }
        }
    }
}

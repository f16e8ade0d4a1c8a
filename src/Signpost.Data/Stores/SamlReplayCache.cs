using Microsoft.EntityFrameworkCore;
using Signpost.Core.SingleSignOn.Saml;

namespace Signpost.Data.Stores;

/// <summary>The replay cache as a table whose primary key is (connection, assertion ID): the database decides which of two nodes was first.</summary>
internal sealed class SamlReplayCache(SignpostDbContext db) : ISamlReplayCache
{
    public async Task<bool> TryUseAsync(Guid connectionId, string assertionId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var use = new SamlAssertionUse { ConnectionId = connectionId, AssertionId = assertionId, ExpiresAt = expiresAt };
        try
        {
            db.SamlAssertionUses.Add(use);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // The key exists: this assertion was accepted before, here or on another node.
            return false;
        }
        finally
        {
            db.Entry(use).State = EntityState.Detached;
        }
    }

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        db.SamlAssertionUses.Where(u => u.ExpiresAt < before).ExecuteDeleteAsync(cancellationToken);
}

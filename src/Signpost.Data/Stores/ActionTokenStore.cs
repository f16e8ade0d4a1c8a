using Microsoft.EntityFrameworkCore;
using Signpost.Core.Tokens;

namespace Signpost.Data.Stores;

internal sealed class ActionTokenStore(SignpostDbContext db) : IActionTokenStore
{
    public async Task AddAsync(ActionToken token, CancellationToken cancellationToken)
    {
        db.ActionTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(token).State = EntityState.Detached;
    }

    public Task<ActionToken?> FindAsync(string tokenHash, CancellationToken cancellationToken) =>
        db.ActionTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == tokenHash, cancellationToken);

    public async Task<bool> TryUseAsync(Guid tokenId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await db.ActionTokens.Where(t => t.Id == tokenId && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, at), cancellationToken) == 1;

    public Task RevokeAllAsync(Guid accountId, ActionTokenPurpose purpose, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.ActionTokens.Where(t => t.AccountId == accountId && t.Purpose == purpose && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, at), cancellationToken);

    public Task<int> CountIssuedSinceAsync(Guid accountId, ActionTokenPurpose purpose, DateTimeOffset since, CancellationToken cancellationToken) =>
        db.ActionTokens.Where(t => t.AccountId == accountId && t.Purpose == purpose && t.CreatedAt >= since).CountAsync(cancellationToken);

    public Task DeleteAsync(Guid tokenId, CancellationToken cancellationToken) =>
        db.ActionTokens.Where(t => t.Id == tokenId).ExecuteDeleteAsync(cancellationToken);
}

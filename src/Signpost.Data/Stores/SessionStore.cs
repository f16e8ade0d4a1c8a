using Microsoft.EntityFrameworkCore;
using Signpost.Core.Sessions;

namespace Signpost.Data.Stores;

internal sealed class SessionStore(SignpostDbContext db) : ISessionStore
{
    public async Task CreateAsync(Session session, CancellationToken cancellationToken)
    {
        db.Sessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(session).State = EntityState.Detached;
    }

    public Task<Session?> FindAsync(string id, CancellationToken cancellationToken) =>
        db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);

    public Task TouchAsync(string id, DateTimeOffset seenAt, CancellationToken cancellationToken) =>
        db.Sessions.Where(s => s.Id == id && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, seenAt), cancellationToken);

    public Task RevokeAsync(string id, DateTimeOffset at, string reason, CancellationToken cancellationToken) =>
        db.Sessions.Where(s => s.Id == id && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, at).SetProperty(x => x.RevokedReason, reason), cancellationToken);

    public Task<int> RevokeAllAsync(Guid accountId, string? keepId, DateTimeOffset at, string reason, CancellationToken cancellationToken) =>
        db.Sessions.Where(s => s.AccountId == accountId && s.RevokedAt == null && s.Id != keepId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, at).SetProperty(x => x.RevokedReason, reason), cancellationToken);

    public async Task<IReadOnlyList<Session>> ListLiveAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var candidates = await db.Sessions.AsNoTracking()
            .Where(s => s.AccountId == accountId && s.RevokedAt == null && s.AbsoluteExpiresAt > now)
            .OrderByDescending(s => s.LastSeenAt).ToListAsync(cancellationToken);
        return candidates.Where(s => s.EndReason(now) is null).ToList();
    }
}

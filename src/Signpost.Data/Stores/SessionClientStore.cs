using Microsoft.EntityFrameworkCore;
using Signpost.Core.Incidents.Webhooks;
using Signpost.Core.OpenIdProvider;

namespace Signpost.Data.Stores;

internal sealed class SessionClientStore(SignpostDbContext db) : ISessionClientStore
{
    public async Task RecordAsync(string sessionId, string clientId, Guid accountId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (await db.SessionClients.AnyAsync(p => p.SessionId == sessionId && p.ClientId == clientId, cancellationToken))
        {
            return;
        }

        var pair = new SessionClient { SessionId = sessionId, ClientId = clientId, AccountId = accountId, FirstTokensAt = at };
        db.SessionClients.Add(pair);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two token requests of one session at once (another node): the pair is recorded either way.
        }
        finally
        {
            db.Entry(pair).State = EntityState.Detached;
        }
    }

    public async Task<IReadOnlyList<SessionClient>> ListEndedUnqueuedAsync(Guid accountId, CancellationToken cancellationToken) =>
        await db.SessionClients.AsNoTracking()
            .Where(p => p.AccountId == accountId && p.LogoutQueuedAt == null
                && db.Sessions.Any(s => s.Id == p.SessionId && s.RevokedAt != null))
            .OrderBy(p => p.FirstTokensAt).ToListAsync(cancellationToken);

    public async Task<int> QueueAsync(IReadOnlyList<(SessionClient Pair, WebhookDelivery? Delivery)> pairs, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var stored = 0;
        // Sessions are sometimes ended inside a caller's transaction (an administrator's act: change, audit, commit as
        // one). Then the logouts join it, so they are kept exactly when the session's end is, and are written with it.
        var own = db.Database.CurrentTransaction is null;
        await using var transaction = own ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        foreach (var (pair, delivery) in pairs)
        {
            // The conditional update claims the pair: a node that lost the race queues nothing for it.
            var claimed = await db.SessionClients.Where(p => p.SessionId == pair.SessionId && p.ClientId == pair.ClientId && p.LogoutQueuedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.LogoutQueuedAt, at), cancellationToken);
            if (claimed == 1 && delivery is not null)
            {
                db.WebhookDeliveries.Add(delivery);
                stored++;
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            foreach (var (_, delivery) in pairs)
            {
                if (delivery is not null)
                {
                    db.Entry(delivery).State = EntityState.Detached;
                }
            }
        }

        return stored;
    }
}

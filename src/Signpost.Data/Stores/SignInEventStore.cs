using Microsoft.EntityFrameworkCore;
using Signpost.Core.Events;
using Signpost.Core.Sessions;

namespace Signpost.Data.Stores;

internal sealed class SignInEventStore(SignpostDbContext db) : ISignInEventStore
{
    public async Task AppendAsync(SignInEvent signInEvent, CancellationToken cancellationToken)
    {
        db.SignInEvents.Add(signInEvent);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Entry(signInEvent).State = EntityState.Detached;
        }
    }

    public async Task AppendWithSessionAsync(SignInEvent signInEvent, Session session, CancellationToken cancellationToken)
    {
        // One SaveChanges: EF Core sends both inserts in one batch inside one transaction.
        db.Sessions.Add(session);
        db.SignInEvents.Add(signInEvent);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Entry(session).State = EntityState.Detached;
            db.Entry(signInEvent).State = EntityState.Detached;
        }
    }

    public async Task AppendManyAsync(IReadOnlyList<SignInEvent> signInEvents, CancellationToken cancellationToken)
    {
        // One SaveChanges: EF Core sends the inserts in batches inside one transaction, so one commit for them all.
        db.SignInEvents.AddRange(signInEvents);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            foreach (var signInEvent in signInEvents)
            {
                db.Entry(signInEvent).State = EntityState.Detached;
            }
        }
    }

    public Task<SignInEvent?> FindByTraceIdAsync(string traceId, CancellationToken cancellationToken) =>
        db.SignInEvents.AsNoTracking().Where(e => e.TraceId == traceId).OrderBy(e => e.Id).FirstOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyList<SignInEvent>> ListForAccountAsync(Guid accountId, int take, CancellationToken cancellationToken) =>
        await db.SignInEvents.AsNoTracking().Where(e => e.AccountId == accountId)
            .OrderByDescending(e => e.Id).Take(take).ToListAsync(cancellationToken);

    public Task<int> CountFromAddressAsync(string clientIp, IReadOnlyCollection<SignInMethod> methods, IReadOnlyCollection<string>? reasonCodes, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var query = db.SignInEvents.Where(e => e.ClientIp == clientIp && methods.Contains(e.Method) && e.OccurredAt >= since);
        if (reasonCodes is not null)
        {
            var codes = reasonCodes.ToList();
            query = query.Where(e => codes.Contains(e.ReasonCode));
        }

        return query.CountAsync(cancellationToken);
    }

    public Task<int> PurgeOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        db.SignInEvents.Where(e => e.OccurredAt < cutoff).ExecuteDeleteAsync(cancellationToken);
}

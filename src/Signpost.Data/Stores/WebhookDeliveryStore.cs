using Microsoft.EntityFrameworkCore;
using Signpost.Core.Incidents.Webhooks;

namespace Signpost.Data.Stores;

internal sealed class WebhookDeliveryStore(SignpostDbContext db) : IWebhookDeliveryStore
{
    public async Task EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        db.WebhookDeliveries.Add(delivery);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Entry(delivery).State = EntityState.Detached;
        }
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListDueAsync(DateTimeOffset now, int take, bool includeWebhooks, CancellationToken cancellationToken) =>
        await db.WebhookDeliveries.AsNoTracking().Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now && (includeWebhooks || d.ClientId != null))
            .OrderBy(d => d.NextAttemptAt).Take(take).ToListAsync(cancellationToken);

    public async Task<bool> TryClaimAsync(Guid deliveryId, DateTimeOffset seenNextAttemptAt, DateTimeOffset claimUntil, CancellationToken cancellationToken) =>
        await db.WebhookDeliveries.Where(d => d.Id == deliveryId && d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt == seenNextAttemptAt)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, claimUntil), cancellationToken) == 1;

    public async Task RecordAttemptAsync(WebhookDelivery delivery, WebhookAttempt attempt, CancellationToken cancellationToken)
    {
        db.WebhookAttempts.Add(attempt);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Entry(attempt).State = EntityState.Detached;
        }

        await db.WebhookDeliveries.Where(d => d.Id == delivery.Id).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, delivery.Status)
            .SetProperty(d => d.Attempts, delivery.Attempts)
            .SetProperty(d => d.NextAttemptAt, delivery.NextAttemptAt)
            .SetProperty(d => d.LastStatusCode, delivery.LastStatusCode)
            .SetProperty(d => d.LastError, delivery.LastError)
            .SetProperty(d => d.CompletedAt, delivery.CompletedAt), cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListAsync(WebhookDeliveryStatus? status, Guid? incidentId, string? clientId, int take, CancellationToken cancellationToken)
    {
        var deliveries = db.WebhookDeliveries.AsNoTracking();
        if (status is { } s)
        {
            deliveries = deliveries.Where(d => d.Status == s);
        }

        if (incidentId is { } id)
        {
            deliveries = deliveries.Where(d => d.IncidentId == id);
        }

        if (clientId is not null)
        {
            deliveries = deliveries.Where(d => d.ClientId == clientId);
        }

        return await deliveries.OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id).Take(Math.Clamp(take, 1, 500)).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(IReadOnlyCollection<Guid> deliveryIds, CancellationToken cancellationToken)
    {
        var ids = deliveryIds.ToList();
        return await db.WebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).OrderBy(a => a.Id).ToListAsync(cancellationToken);
    }
}

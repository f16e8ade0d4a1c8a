using Microsoft.EntityFrameworkCore;
using Signpost.Core.Incidents.Webhooks;

namespace Signpost.Data.Stores;

internal sealed class WebhookSecretStore(SignpostDbContext db) : IWebhookSecretStore
{
    public async Task<IReadOnlyList<WebhookSecret>> ListAsync(CancellationToken cancellationToken) =>
        await db.WebhookSecrets.AsNoTracking().OrderByDescending(s => s.CreatedAt).ToListAsync(cancellationToken);

    public async Task<WebhookSecret?> RotateAsync(
        WebhookSecret created, WebhookSecret? configured, DateTimeOffset retiresAt, DateTimeOffset now,
        Func<WebhookSecret, CancellationToken, Task> audit, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stored = await db.WebhookSecrets.OrderByDescending(s => s.CreatedAt).ToListAsync(cancellationToken);
        var current = stored.FirstOrDefault(s => s.RetiresAt is null);
        if (current is null)
        {
            if (configured is null)
            {
                return null;
            }

            // The first rotation: the configured secret becomes a stored one, so it can retire like any other.
            current = configured;
            db.WebhookSecrets.Add(current);
        }

        current.RetiresAt = retiresAt;
        db.WebhookSecrets.RemoveRange(stored.Where(s => s.RetiresAt is { } ended && ended <= now));
        db.WebhookSecrets.Add(created);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await audit(current, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return current;
        }
        finally
        {
            // Only what this rotation touched: the caller's own tracked entities stay as they are.
            foreach (var secret in stored.Append(current).Append(created))
            {
                db.Entry(secret).State = EntityState.Detached;
            }
        }
    }
}

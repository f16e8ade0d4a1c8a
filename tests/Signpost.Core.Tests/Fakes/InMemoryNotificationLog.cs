using Signpost.Core.Notifications;

namespace Signpost.Core.Tests.Fakes;

/// <summary>Notification claims under one lock, with the semantics of the SQL store.</summary>
public sealed class InMemoryNotificationLog : INotificationLog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, NotificationDelivery> _deliveries = new(StringComparer.Ordinal);

    public IReadOnlyList<NotificationDelivery> All
    {
        get
        {
            lock (_gate)
            {
                return _deliveries.Values.Select(d => new NotificationDelivery { Key = d.Key, ClaimedUntil = d.ClaimedUntil, SentAt = d.SentAt }).ToList();
            }
        }
    }

    public IReadOnlyList<string> SentKeys => All.Where(d => d.SentAt is not null).Select(d => d.Key).Order(StringComparer.Ordinal).ToList();

    public Task<NotificationClaim> TryClaimAsync(string key, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_deliveries.TryGetValue(key, out var existing))
            {
                if (existing.SentAt is not null)
                {
                    return Task.FromResult(NotificationClaim.AlreadySent);
                }

                if (existing.ClaimedUntil > now)
                {
                    return Task.FromResult(NotificationClaim.HeldElsewhere);
                }
            }

            _deliveries[key] = new NotificationDelivery { Key = key, ClaimedUntil = claimUntil };
            return Task.FromResult(NotificationClaim.Claimed);
        }
    }

    public Task MarkSentAsync(string key, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _deliveries[key].SentAt = sentAt;
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_deliveries.TryGetValue(key, out var existing) && existing.SentAt is null)
            {
                _deliveries.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> WasSentAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_deliveries.TryGetValue(key, out var d) && d.SentAt is not null);
        }
    }
}

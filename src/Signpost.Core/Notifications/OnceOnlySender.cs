using Signpost.Core.Email;

namespace Signpost.Core.Notifications;

/// <summary>
/// Sends a notification at most once per key: claim, check it is still wanted, send, record. A failed send
/// releases the claim and records nothing, so a mail server that is down only delays the message.
/// </summary>
public sealed class OnceOnlySender(INotificationLog log, IEmailSender email, TimeProvider time)
{
    /// <summary>Long enough for one SMTP conversation; a node that dies mid-send frees the key after it.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(5);

    /// <param name="key">Names the notification; sent at most once.</param>
    /// <param name="message">The message.</param>
    /// <param name="stillWanted">Checked after the claim, right before sending: false sends nothing.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<NotificationOutcome> SendAsync(string key, EmailMessage message, Func<CancellationToken, Task<bool>>? stillWanted, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (await log.TryClaimAsync(key, now, now + ClaimLease, cancellationToken))
        {
            case NotificationClaim.AlreadySent:
                return new NotificationOutcome(key, NotificationStatus.AlreadySent);
            case NotificationClaim.HeldElsewhere:
                return new NotificationOutcome(key, NotificationStatus.ClaimedElsewhere);
        }

        try
        {
            if (stillWanted is not null && !await stillWanted(cancellationToken))
            {
                await log.ReleaseAsync(key, CancellationToken.None);
                return new NotificationOutcome(key, NotificationStatus.NoLongerWanted);
            }

            await email.SendAsync(message, cancellationToken);
        }
        catch (Exception ex)
        {
            // Whatever stopped the send, the key goes back: the next run decides afresh.
            await log.ReleaseAsync(key, CancellationToken.None);
            if (ex is EmailDeliveryException delivery)
            {
                return new NotificationOutcome(key, NotificationStatus.Failed, message.To.Count, delivery.Message, delivery.ServerUnavailable);
            }

            throw;
        }

        await log.MarkSentAsync(key, time.GetUtcNow(), CancellationToken.None);
        return new NotificationOutcome(key, NotificationStatus.Sent, message.To.Count);
    }
}

namespace Signpost.Core.Email;

/// <summary>
/// The recovery emails' outbox (docs/recovery.md, "The outbox"): a request that owes an email writes it
/// here and answers at once; the mail job hands it to the mail server. So the answer to "Forgot password"
/// never waits on SMTP, and how long it takes says nothing about whether an account matched.
/// </summary>
public interface IEmailOutbox
{
    /// <summary>Queues <paramref name="message"/> for the mail job and wakes it.</summary>
    /// <exception cref="EmailDeliveryException">The outbox could not be written (<see cref="EmailDeliveryException.ServerUnavailable"/> is true).</exception>
    Task EnqueueAsync(EmailMessage message, OutboxEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// Whether queued email is leaving: false when the mail server did not answer the job's last attempt,
    /// or a message has waited longer than <see cref="OutboxMessage.StalledAfter"/> (no node is sending).
    /// Asked before anything depends on who the request is for, so the answer is the same for everyone.
    /// </summary>
    Task<bool> IsDeliveringAsync(CancellationToken cancellationToken);
}

/// <summary>What the mail job needs besides the message: the request's trace, when to give up, the link to withdraw then.</summary>
/// <param name="TraceId">The request that queued the message, for the operators' log.</param>
/// <param name="DiscardAt">When an undelivered message is dropped: the link in it stops working then anyway.</param>
/// <param name="ActionTokenId">The link the message carries; withdrawn when the message is dropped undelivered.</param>
public sealed record OutboxEntry(string TraceId, DateTimeOffset DiscardAt, Guid? ActionTokenId = null);

/// <summary>
/// One queued email. The message (recipient, subject, body with its link) is kept only as
/// <see cref="Payload"/>, encrypted with the service's data-protection keys, and the row is deleted as soon
/// as the mail server accepted it: the outbox never becomes a store of working links.
/// </summary>
public sealed class OutboxMessage
{
    public const int MaxErrorLength = 500;

    /// <summary>A message waiting longer than this means mail is not leaving (no node runs the job, or it keeps failing).</summary>
    public static readonly TimeSpan StalledAfter = TimeSpan.FromMinutes(2);

    public Guid Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset DiscardAt { get; set; }

    /// <summary>The <see cref="EmailMessage"/> as protected JSON.</summary>
    public required string Payload { get; set; }

    public Guid? ActionTokenId { get; set; }
    public required string TraceId { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }

    /// <summary>Set while the last attempt found the mail server unreachable; cleared by delivery.</summary>
    public DateTimeOffset? ServerDownSince { get; set; }
}

/// <summary>The outbox table.</summary>
public interface IOutboxStore
{
    Task AddAsync(OutboxMessage message, CancellationToken cancellationToken);

    /// <summary>Messages due at <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> DueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>Messages past their <see cref="OutboxMessage.DiscardAt"/>, to be dropped.</summary>
    Task<IReadOnlyList<OutboxMessage>> ExpiredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    Task DeleteAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt and when to try again.</summary>
    Task RetryLaterAsync(Guid id, int attempts, DateTimeOffset nextAttemptAt, string error, DateTimeOffset? serverDownSince, CancellationToken cancellationToken);

    /// <summary>Whether a message found the server unreachable or was queued before <paramref name="queuedBefore"/> and is still waiting.</summary>
    Task<bool> AnyStuckAsync(DateTimeOffset queuedBefore, CancellationToken cancellationToken);
}

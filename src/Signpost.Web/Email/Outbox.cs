using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Email;
using Signpost.Web.Infrastructure;
using Signpost.Web.Setup;

namespace Signpost.Web.Email;

/// <summary>Wakes this node's mail job when a message was queued, so it need not wait for its next tick.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Wake()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: one pass sends everything that is due.
        }
    }

    /// <summary>
    /// Returns when woken or when <paramref name="tick"/> (a delay the caller armed before its run, so that
    /// time passing during the run still counts) has arrived, whichever comes first.
    /// </summary>
    public async Task WaitAsync(Task tick, CancellationToken cancellationToken)
    {
        using var woken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var wake = _pending.WaitAsync(woken.Token);
        await Task.WhenAny(wake, tick);
        await woken.CancelAsync();
        try
        {
            await wake;
        }
        catch (OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>
/// The outbox as requests see it: the message encrypted with the data-protection keys (which every node
/// shares through the database) into a row, then a wake-up for the mail job.
/// </summary>
internal sealed class EmailOutbox(IOutboxStore store, IDataProtectionProvider protection, OutboxSignal signal, TimeProvider time) : IEmailOutbox
{
    public const string Purpose = "Signpost.EmailOutbox.v1";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public async Task EnqueueAsync(EmailMessage message, OutboxEntry entry, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var row = new OutboxMessage
        {
            Id = Guid.NewGuid(),
            CreatedAt = now,
            NextAttemptAt = now,
            DiscardAt = entry.DiscardAt,
            Payload = _protector.Protect(JsonSerializer.Serialize(message)),
            ActionTokenId = entry.ActionTokenId,
            TraceId = entry.TraceId,
        };
        try
        {
            await store.AddAsync(row, cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException || FailureHandler.IsDependencyFailure(ex))
        {
            throw new EmailDeliveryException($"the outbox could not be written ({ex.GetType().Name})", serverUnavailable: true, ex);
        }

        signal.Wake();
    }

    public async Task<bool> IsDeliveringAsync(CancellationToken cancellationToken) =>
        !await store.AnyStuckAsync(time.GetUtcNow() - OutboxMessage.StalledAfter, cancellationToken);

    /// <summary>The message back from a row; a <see cref="CryptographicException"/> when the keys no longer open it.</summary>
    public static EmailMessage Open(IDataProtector protector, string payload) =>
        JsonSerializer.Deserialize<EmailMessage>(protector.Unprotect(payload)) ?? throw new CryptographicException("The outbox payload is empty.");
}

/// <summary>
/// The leased job that drains the outbox (docs/recovery.md, "The outbox"): on one node at a time, at
/// every tick of <see cref="EmailOptions.OutboxIntervalSeconds"/> and whenever this node queued a message.
/// A delivered message is deleted at once. A server that does not answer is tried again with back-off
/// (and, meanwhile, recovery requests answer <c>service_degraded</c>); a message the server refuses, or one
/// whose link expired before it could leave, is dropped and its link withdrawn.
/// </summary>
public sealed partial class RecoveryMailJob(
    IServiceScopeFactory scopes,
    JobLeases leases,
    OutboxSignal signal,
    IDataProtectionProvider protection,
    Microsoft.Extensions.Options.IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<RecoveryMailJob> logger) : BackgroundService
{
    public const string JobName = "recovery-mail";
    public const int BatchSize = 50;

    /// <summary>The longest wait between two attempts at a server that does not answer.</summary>
    public static readonly TimeSpan MaxBackOff = TimeSpan.FromMinutes(1);

    private readonly IDataProtector _protector = protection.CreateProtector(EmailOutbox.Purpose);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.OutboxIntervalSeconds);
        try
        {
            // Mail queued before the jobs start waits in the outbox, and the first pass finds it.
            await leases.WhenJobsMayStartAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                // Armed before the run, as JobLeases does: a clock that moves while the run is busy still wakes the next one.
                var tick = JobLeases.Tick(time, interval, stoppingToken);

                // The lease is taken (and its run logged) only when there is something to send or drop:
                // an idle outbox costs one query per tick, and its lease simply lapses.
                if (await HasWorkAsync(stoppingToken))
                {
                    await leases.RunIfHolderAsync(JobName, interval, RunOnceAsync, stoppingToken);
                }

                await signal.WaitAsync(tick, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await leases.ReleaseAsync(JobName);
        }
    }

    private async Task<bool> HasWorkAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<IOutboxStore>();
            var now = time.GetUtcNow();
            return (await store.DueAsync(now, 1, cancellationToken)).Count > 0 || (await store.ExpiredAsync(now, 1, cancellationToken)).Count > 0;
        }
        catch (Exception ex) when (FailureHandler.IsDependencyFailure(ex))
        {
            // The database is away; the next tick asks again.
            return false;
        }
    }

    /// <summary>One pass: drop what expired, send what is due. Never throws but for cancellation.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<IOutboxStore>();
            var tokens = scope.ServiceProvider.GetRequiredService<Core.Tokens.IActionTokenStore>();
            var sender = scope.ServiceProvider.GetRequiredService<IEmailSender>();
            var now = time.GetUtcNow();

            foreach (var expired in await store.ExpiredAsync(now, BatchSize, cancellationToken))
            {
                await DropAsync(store, tokens, expired, $"not delivered before {expired.DiscardAt:u} ({expired.Attempts} attempt(s), last: {expired.LastError ?? "none"})", cancellationToken);
            }

            foreach (var queued in await store.DueAsync(now, BatchSize, cancellationToken))
            {
                EmailMessage message;
                try
                {
                    message = EmailOutbox.Open(_protector, queued.Payload);
                }
                catch (Exception ex) when (ex is CryptographicException or JsonException)
                {
                    await DropAsync(store, tokens, queued, "its payload cannot be opened with the current keys", cancellationToken);
                    continue;
                }

                try
                {
                    await sender.SendAsync(message, cancellationToken);
                }
                catch (EmailDeliveryException ex) when (ex.ServerUnavailable)
                {
                    // Every other message would fail the same way now: try this one again later, the rest with it.
                    var attempts = queued.Attempts + 1;
                    var wait = TimeSpan.FromSeconds(Math.Min(MaxBackOff.TotalSeconds, 5 * Math.Pow(2, Math.Min(attempts - 1, 10))));
                    await store.RetryLaterAsync(queued.Id, attempts, time.GetUtcNow() + wait, ex.Message, queued.ServerDownSince ?? time.GetUtcNow(), cancellationToken);
                    LogServerDown(logger, queued.TraceId, attempts, ex.Message);
                    break;
                }
                catch (EmailDeliveryException ex)
                {
                    await DropAsync(store, tokens, queued, ex.Message, cancellationToken);
                    continue;
                }

                await store.DeleteAsync(queued.Id, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(logger, ex);
        }
    }

    private async Task DropAsync(IOutboxStore store, Core.Tokens.IActionTokenStore tokens, OutboxMessage message, string why, CancellationToken cancellationToken)
    {
        if (message.ActionTokenId is { } tokenId)
        {
            await tokens.DeleteAsync(tokenId, cancellationToken);
        }

        await store.DeleteAsync(message.Id, cancellationToken);
        LogDropped(logger, message.TraceId, why, message.ActionTokenId is not null);
    }

    [LoggerMessage(EventId = 3011, EventName = "RecoveryMailJob.ServerDown", Level = LogLevel.Warning, Message = "Recovery email of trace {TraceId} not sent (attempt {Attempts}): {Error}; trying again")]
    private static partial void LogServerDown(ILogger logger, string traceId, int attempts, string error);

    [LoggerMessage(EventId = 3012, EventName = "RecoveryMailJob.Dropped", Level = LogLevel.Warning, Message = "Recovery email of trace {TraceId} dropped: {Why}; link withdrawn: {LinkWithdrawn}")]
    private static partial void LogDropped(ILogger logger, string traceId, string why, bool linkWithdrawn);

    [LoggerMessage(EventId = 3013, EventName = "RecoveryMailJob.RunFailed", Level = LogLevel.Error, Message = "The recovery mail job's run failed; the next run tries again")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}

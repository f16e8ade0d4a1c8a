namespace Signpost.Core.Events;

/// <summary>Durable store of sign-in events; an append returns only once the event is committed.</summary>
public interface ISignInEventStore
{
    Task AppendAsync(SignInEvent signInEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a successful sign-in's event together with the session it started, in one write transaction:
    /// neither is committed without the other, and the sign-in pays for one commit (docs/capacity.md, "Sign-ins per core").
    /// </summary>
    Task AppendWithSessionAsync(SignInEvent signInEvent, Sessions.Session session, CancellationToken cancellationToken);

    /// <summary>
    /// Appends several events in one write transaction (the refusals <see cref="RefusalEventBatch"/> gathers):
    /// all of them or none. Stores without a transaction of their own append them one by one.
    /// </summary>
    async Task AppendManyAsync(IReadOnlyList<SignInEvent> signInEvents, CancellationToken cancellationToken)
    {
        foreach (var signInEvent in signInEvents)
        {
            await AppendAsync(signInEvent, cancellationToken);
        }
    }

    Task<SignInEvent?> FindByTraceIdAsync(string traceId, CancellationToken cancellationToken);

    Task<IReadOnlyList<SignInEvent>> ListForAccountAsync(Guid accountId, int take, CancellationToken cancellationToken);

    /// <summary>
    /// How many events of these methods (and, unless null, with one of these reasons) came from the address since
    /// <paramref name="since"/> (recovery's per-address limit, which counts requests only).
    /// </summary>
    Task<int> CountFromAddressAsync(string clientIp, IReadOnlyCollection<SignInMethod> methods, IReadOnlyCollection<string>? reasonCodes, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Deletes events older than <paramref name="cutoff"/>; returns how many went.</summary>
    Task<int> PurgeOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

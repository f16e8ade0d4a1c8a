namespace Signpost.Core.Events;

/// <summary>Durable store of sign-in events; an append returns only once the event is committed.</summary>
public interface ISignInEventStore
{
    Task AppendAsync(SignInEvent signInEvent, CancellationToken cancellationToken);

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

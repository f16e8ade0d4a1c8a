using System.Collections.Concurrent;
using Signpost.Core.Events;
using Signpost.Core.Sessions;

namespace Signpost.Core.Tests.Fakes;

/// <param name="sessions">Where a success's session goes with its event (<see cref="AppendWithSessionAsync"/>).</param>
public sealed class InMemorySignInEventStore(InMemorySessionStore? sessions = null) : ISignInEventStore
{
    private readonly ConcurrentQueue<SignInEvent> _events = new();
    private long _nextId;

    public IReadOnlyList<SignInEvent> All => [.. _events];

    public Task AppendAsync(SignInEvent signInEvent, CancellationToken cancellationToken)
    {
        signInEvent.Id = Interlocked.Increment(ref _nextId);
        _events.Enqueue(signInEvent);
        return Task.CompletedTask;
    }

    public async Task AppendWithSessionAsync(SignInEvent signInEvent, Session session, CancellationToken cancellationToken)
    {
        if (sessions is null)
        {
            throw new InvalidOperationException("This event store was made without a session store.");
        }

        await sessions.CreateAsync(session, cancellationToken);
        await AppendAsync(signInEvent, cancellationToken);
    }

    public Task<SignInEvent?> FindByTraceIdAsync(string traceId, CancellationToken cancellationToken) =>
        Task.FromResult(_events.FirstOrDefault(e => e.TraceId == traceId));

    public Task<IReadOnlyList<SignInEvent>> ListForAccountAsync(Guid accountId, int take, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SignInEvent>>([.. _events.Where(e => e.AccountId == accountId).OrderByDescending(e => e.OccurredAt).Take(take)]);

    public Task<int> CountFromAddressAsync(string clientIp, IReadOnlyCollection<SignInMethod> methods, IReadOnlyCollection<string>? reasonCodes, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(_events.Count(e => e.ClientIp == clientIp && methods.Contains(e.Method) && (reasonCodes is null || reasonCodes.Contains(e.ReasonCode)) && e.OccurredAt >= since));

    public Task<int> PurgeOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Retention is not part of these tests.");
}

using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;

namespace Signpost.Core.Events;

/// <summary>
/// Group commit for the events of <c>rate_limited</c> refusals (docs/capacity.md, "Refusals' events, written
/// together"): during a flood every refused attempt still gets its own event, but many of them share one write
/// transaction instead of taking SQLite's one write lock once each. The refusing request waits until its event
/// is committed, as before, so an answered refusal always has its event; it waits at most
/// <see cref="Linger"/> plus one commit longer than it did.
/// </summary>
/// <remarks>
/// The queue is bounded (<see cref="Capacity"/> events). When it is full, <see cref="TryEnqueue"/> says so and
/// the caller writes its event alone, in its own transaction, the way every refusal was written before: nothing
/// is dropped, a flood past the bound just loses the saving (<see cref="WrittenAlone"/> counts those). On a
/// graceful stop <see cref="CompleteAsync"/> writes what is queued before the host ends.
/// </remarks>
public sealed class RefusalEventBatch(IServiceScopeFactory scopes, TimeSpan linger, int capacity = RefusalEventBatch.DefaultCapacity)
{
    public const int DefaultCapacity = 4096;

    /// <summary>The most events one transaction takes.</summary>
    public const int MaxBatch = 256;

    private readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Lock start = new();
    private Task? writer;
    private volatile bool stopping;
    private TaskCompletionSource wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long batches;
    private long events;
    private long writtenAlone;

    /// <summary>How long the writer waits after the first queued event for others to join it.</summary>
    public TimeSpan Linger { get; } = linger;

    public int Capacity { get; } = capacity;

    /// <summary>Transactions the writer committed.</summary>
    public long Batches => Interlocked.Read(ref batches);

    /// <summary>Events committed in those transactions.</summary>
    public long Events => Interlocked.Read(ref events);

    /// <summary>Refusals whose caller found the queue full (or stopped) and wrote its event alone.</summary>
    public long WrittenAlone => Interlocked.Read(ref writtenAlone);

    /// <summary>
    /// Queues <paramref name="signInEvent"/>; <paramref name="committed"/> completes once it is committed (or
    /// fails as the caller's own write would). False when the queue is full or stopped: the caller writes it alone.
    /// </summary>
    public bool TryEnqueue(SignInEvent signInEvent, out Task committed)
    {
        var pending = new Pending(signInEvent, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            Interlocked.Increment(ref writtenAlone);
            committed = Task.CompletedTask;
            return false;
        }

        EnsureWriter();
        committed = pending.Committed.Task;
        return true;
    }

    /// <summary>Events queued and not yet taken by the writer.</summary>
    public int Queued => queue.Reader.Count;

    /// <summary>Ends the current wait for others to join: what is queued is written now.</summary>
    public void Flush() => wake.TrySetResult();

    /// <summary>Stops taking events and writes every queued one (the host's graceful stop).</summary>
    public async Task CompleteAsync()
    {
        stopping = true;
        queue.Writer.TryComplete();
        Flush();
        EnsureWriter();
        await writer!;
    }

    private void EnsureWriter()
    {
        if (writer is not null)
        {
            return;
        }

        lock (start)
        {
            writer ??= Task.Run(WriteAsync);
        }
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            if (Linger > TimeSpan.Zero && queue.Reader.Count < MaxBatch)
            {
                // Not the clock of the events (they carry their own time): only a pause for others to join,
                // cut short by Flush and by a stop.
                await Task.WhenAny(Task.Delay(Linger), wake.Task);
                if (wake.Task.IsCompleted && !stopping)
                {
                    wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<ISignInEventStore>();
                await store.AppendManyAsync([.. batch.Select(p => p.Event)], CancellationToken.None);
                Interlocked.Increment(ref batches);
                Interlocked.Add(ref events, batch.Count);
                foreach (var pending in batch)
                {
                    pending.Committed.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                // Each waiting request fails as its own write would have: a 500 with its trace ID, logged.
                foreach (var pending in batch)
                {
                    pending.Committed.TrySetException(ex);
                }
            }
        }
    }

    private sealed record Pending(SignInEvent Event, TaskCompletionSource Committed);
}

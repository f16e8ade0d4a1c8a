using Microsoft.Extensions.Options;
using Signpost.Core.Telemetry;

namespace Signpost.Core.SignIn;

/// <summary>Settings of the <see cref="HashAdmission"/> gate (docs/security.md, "Admission before the hash").</summary>
public sealed class HashAdmissionOptions
{
    public const string Section = "Signpost:HashAdmission";

    /// <summary>Password checks that may hash at once on this node; 0 (the default) is one per core.</summary>
    public int Concurrency { get; set; }

    /// <summary>
    /// Untrusted attempts that may wait for a hash on this node; one more is refused with <c>rate_limited</c>.
    /// 0 (the default) is <see cref="UntrustedQueuePerCore"/> per core.
    /// </summary>
    public int UntrustedQueue { get; set; }

    /// <summary>
    /// Slots beyond <see cref="Concurrency"/> that only trusted attempts may take, so that a trusted user whose
    /// attempt arrives while the flood's hashes fill every slot starts hashing at once instead of waiting for one
    /// of them to end. -1 (the default) is one per core; 0 turns the reserve off.
    /// </summary>
    public int TrustedReserve { get; set; } = -1;

    /// <summary>
    /// The nice value (1–19; Linux, elsewhere the lowest thread priority) of the threads untrusted attempts hash on, so
    /// that a trusted attempt's hash and the node's other work get the CPU first while a flood's hashes run
    /// (<see cref="UntrustedHashThreads"/>). 0 hashes untrusted attempts on the request's thread, as trusted ones.
    /// </summary>
    public int UntrustedHashNice { get; set; } = DefaultUntrustedHashNice;

    /// <summary>The default of <see cref="UntrustedHashNice"/>.</summary>
    public const int DefaultUntrustedHashNice = 10;

    /// <summary>The waiting room per core when <see cref="UntrustedQueue"/> is not set.</summary>
    public const int UntrustedQueuePerCore = 4;

    /// <summary>What a refused attempt is told to wait, in seconds (<c>Retry-After</c>).</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>
    /// How long the first queued <c>rate_limited</c> event waits for others to share its write transaction
    /// (<see cref="Events.RefusalEventBatch"/>); 0 writes whatever is queued at once.
    /// </summary>
    public int RefusalEventLingerMilliseconds { get; set; } = 50;

    /// <summary>Refusal events that may wait to be written; a refusal that finds the queue full writes its own.</summary>
    public int RefusalEventQueue { get; set; } = Events.RefusalEventBatch.DefaultCapacity;
}

/// <summary>
/// The one gate every password check of a sign-in passes before it hashes (docs/security.md, "Admission
/// before the hash"): at most <see cref="Concurrency"/> untrusted hashes at once, <see cref="TrustedReserve"/>
/// more slots that only trusted attempts may take, and two queues for the rest. Attempts from a browser holding
/// a valid trusted-device cookie for the account wait in the first and always get the next free slot; every
/// other attempt (unknown identifiers, which can hold no such cookie, included) waits in the second, which holds
/// at most <see cref="UntrustedQueueLimit"/>. An untrusted attempt that finds it full
/// is refused at once, with no hash: <see cref="EnterAsync"/> answers null. What the gate decides depends on
/// the queues and on the trusted-device cookie only, never on whether the identifier names an account.
/// One per process: the queues are this node's CPU, not the cluster's. Disposing it (the host does, when it stops)
/// ends the lower-priority threads once they finish what they hold.
/// </summary>
public sealed class HashAdmission : IDisposable
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource<HashSlot>> _trusted = new();
    private readonly LinkedList<TaskCompletionSource<HashSlot>> _untrusted = new();
    private readonly SignpostMetrics? _metrics;
    private readonly UntrustedHashThreads? _untrustedThreads;
    private int _running;
    private long _refused;
    private long _loweredHashes;

    public HashAdmission(IOptions<HashAdmissionOptions> options, SignpostMetrics? metrics = null)
    {
        var settings = options.Value;
        Concurrency = settings.Concurrency > 0 ? settings.Concurrency : Environment.ProcessorCount;
        UntrustedQueueLimit = settings.UntrustedQueue > 0 ? settings.UntrustedQueue : HashAdmissionOptions.UntrustedQueuePerCore * Environment.ProcessorCount;
        TrustedReserve = settings.TrustedReserve >= 0 ? settings.TrustedReserve : Environment.ProcessorCount;
        RetryAfter = TimeSpan.FromSeconds(Math.Max(1, settings.RetryAfterSeconds));
        _untrustedThreads = settings.UntrustedHashNice > 0 ? new UntrustedHashThreads(Concurrency, Math.Min(19, settings.UntrustedHashNice)) : null;
        _metrics = metrics;
        metrics?.ObserveHashAdmission(this);
    }

    /// <summary>Hashes that may run at once when none is trusted; what an untrusted attempt waits for.</summary>
    public int Concurrency { get; }

    /// <summary>Slots beyond <see cref="Concurrency"/> for trusted attempts only.</summary>
    public int TrustedReserve { get; }

    /// <summary>Untrusted attempts that may wait; beyond, refused.</summary>
    public int UntrustedQueueLimit { get; }

    /// <summary>What a refused attempt is told to wait.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>A consistent reading of the gate, for the metrics and the tests.</summary>
    public HashAdmissionState State
    {
        get
        {
            lock (_lock)
            {
                return new(_running, _trusted.Count, _untrusted.Count, Interlocked.Read(ref _refused));
            }
        }
    }

    /// <summary>
    /// A slot to hash in, once it is this attempt's turn; null when <paramref name="trusted"/> is false and
    /// the untrusted queue is full (the caller refuses the attempt without hashing). Dispose the slot as soon
    /// as the hash is done. Cancelling leaves the queue.
    /// </summary>
    public ValueTask<HashSlot?> EnterAsync(bool trusted, CancellationToken cancellationToken)
    {
        TaskCompletionSource<HashSlot> waiter;
        LinkedListNode<TaskCompletionSource<HashSlot>> node;
        lock (_lock)
        {
            // A slot this attempt may take means its queue is empty: a slot that frees is handed straight to a waiter.
            if (_running < Limit(trusted))
            {
                _running++;
                return ValueTask.FromResult<HashSlot?>(new HashSlot(this, trusted));
            }

            if (!trusted && _untrusted.Count >= UntrustedQueueLimit)
            {
                Interlocked.Increment(ref _refused);
                _metrics?.HashAdmissionRefused();
                return ValueTask.FromResult<HashSlot?>(null);
            }

            // Continuations run asynchronously: the releasing request does not run the next one's hash.
            waiter = new TaskCompletionSource<HashSlot>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = (trusted ? _trusted : _untrusted).AddLast(waiter);
        }

        return WaitAsync(waiter, node, cancellationToken);
    }

    private async ValueTask<HashSlot?> WaitAsync(
        TaskCompletionSource<HashSlot> waiter, LinkedListNode<TaskCompletionSource<HashSlot>> node, CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                // Still queued (not handed a slot meanwhile): leave the queue.
                if (node.List is { } queue)
                {
                    queue.Remove(node);
                    waiter.TrySetCanceled(cancellationToken);
                }
            }
        });
        return await waiter.Task;
    }

    /// <summary>How many hashes may run for this attempt to start one: untrusted ones never take the reserve.</summary>
    private int Limit(bool trusted) => trusted ? Concurrency + TrustedReserve : Concurrency;

    /// <summary>
    /// A slot is done: the first trusted waiter gets it, else the first untrusted one if the untrusted hashes
    /// still running leave room (a slot of the reserve is not theirs), else it is free.
    /// </summary>
    private void Release()
    {
        lock (_lock)
        {
            _running--;
            var next = _trusted.First is { } trusted && _running < Limit(true) ? trusted
                : _untrusted.First is { } untrusted && _running < Limit(false) ? untrusted
                : null;
            if (next is null)
            {
                return;
            }

            _running++;
            var trustedNext = next.List == _trusted;
            next.List!.Remove(next);
            next.Value.TrySetResult(new HashSlot(this, trustedNext));
        }
    }

    /// <summary>
    /// Runs one hash of an admitted attempt: a trusted one on the caller's thread, an untrusted one on the gate's
    /// lower-priority threads (<see cref="HashAdmissionOptions.UntrustedHashNice"/>), the same for a known and an
    /// unknown identifier.
    /// </summary>
    private ValueTask<T> RunAsync<T>(bool trusted, Func<T> hash)
    {
        if (trusted || _untrustedThreads is null)
        {
            return ValueTask.FromResult(hash());
        }

        Interlocked.Increment(ref _loweredHashes);
        return new(_untrustedThreads.RunAsync(hash));
    }

    /// <summary>Hashes run on the lower-priority threads since start (untrusted attempts' hashes, when <see cref="HashAdmissionOptions.UntrustedHashNice"/> is set).</summary>
    public long LoweredHashes => Interlocked.Read(ref _loweredHashes);

    /// <summary>The nice value untrusted hashes run at; 0 when they run on the request's thread.</summary>
    public int UntrustedHashNice => _untrustedThreads?.Nice ?? 0;

    /// <summary>The lower-priority threads still running (for tests).</summary>
    internal int UntrustedThreadsAlive => _untrustedThreads?.Alive ?? 0;

    /// <summary>Ends the lower-priority threads after the hashes they hold; a hash admitted after this runs on its caller's thread.</summary>
    public void Dispose() => _untrustedThreads?.Dispose();

    /// <summary>One admitted hash; disposing it (once) frees the slot for the next waiter.</summary>
    public sealed class HashSlot : IDisposable
    {
        private readonly HashAdmission _gate;
        private HashAdmission? _owner;

        internal HashSlot(HashAdmission owner, bool trusted)
        {
            _gate = owner;
            _owner = owner;
            Trusted = trusted;
        }

        /// <summary>Taken by a trusted attempt (its hash runs at the process's priority).</summary>
        public bool Trusted { get; }

        /// <summary>Runs a hash of this attempt where its kind runs (<see cref="HashAdmissionOptions.UntrustedHashNice"/>).</summary>
        public ValueTask<T> RunAsync<T>(Func<T> hash) => _gate.RunAsync(Trusted, hash);

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release();
    }
}

/// <summary>The gate at one instant: hashes running, attempts waiting in each queue, untrusted attempts refused since start.</summary>
public sealed record HashAdmissionState(int Running, int WaitingTrusted, int WaitingUntrusted, long Refused);

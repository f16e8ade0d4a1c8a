using System.Diagnostics;

namespace Signpost.Bench.Infrastructure;

/// <summary>
/// The measured interval shared by one or more loads: work before <see cref="Open"/> is warm-up, work
/// after <see cref="Close"/> is draining. Rates count completions inside the window; latencies are taken
/// from operations that started inside it (and are waited for), so a slow tail is not cut off.
/// </summary>
internal sealed class MeasurementWindow
{
    private long _opened;
    private long _closed;

    public bool IsOpen => Volatile.Read(ref _opened) != 0 && Volatile.Read(ref _closed) == 0;
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public void Open() => Volatile.Write(ref _opened, Stopwatch.GetTimestamp());

    public void Close() => Volatile.Write(ref _closed, Stopwatch.GetTimestamp());

    public DateTimeOffset OpenedAtUtc { get; private set; }
    public DateTimeOffset ClosedAtUtc { get; private set; }

    public void OpenNow()
    {
        OpenedAtUtc = DateTimeOffset.UtcNow;
        Open();
    }

    public void CloseNow()
    {
        Close();
        ClosedAtUtc = DateTimeOffset.UtcNow;
    }

    public TimeSpan Length => Volatile.Read(ref _opened) == 0 ? TimeSpan.Zero
        : Stopwatch.GetElapsedTime(Volatile.Read(ref _opened), IsClosed ? Volatile.Read(ref _closed) : Stopwatch.GetTimestamp());
}

/// <summary>What one load did inside the window.</summary>
internal sealed class LoadResult(string name, long completed, TimeSpan window, double[] latenciesMs, IReadOnlyDictionary<string, long> outcomes, int? closedLoopWorkers)
{
    public string Name { get; } = name;
    public long Completed { get; } = completed;
    public TimeSpan Window { get; } = window;

    /// <summary>
    /// Operations per second. For a closed loop (no pauses) by Little's law, workers ÷ mean latency of the
    /// operations started in the window: at a few sign-ins a second, counting completions in a window of
    /// seconds is off by whole operations. Otherwise completions in the window ÷ its length.
    /// </summary>
    public double Rate => closedLoopWorkers is { } n && LatenciesMs.Length > 0 ? n / (LatenciesMs.Average() / 1000)
        : Window > TimeSpan.Zero ? Completed / Window.TotalSeconds : 0;

    /// <summary>Completions inside the window ÷ its length, whatever the loop.</summary>
    public double CountedRate => Window > TimeSpan.Zero ? Completed / Window.TotalSeconds : 0;

    /// <summary>Latencies (ms) of operations started in the window, sorted.</summary>
    public double[] LatenciesMs { get; } = latenciesMs;

    /// <summary>Outcome label → count, for operations started in the window.</summary>
    public IReadOnlyDictionary<string, long> Outcomes { get; } = outcomes;

    public long Started => Outcomes.Values.Sum();

    public long Count(Func<string, bool> label) => Outcomes.Where(o => label(o.Key)).Sum(o => o.Value);

    public double Percentile(double p) => Stats.Percentile(LatenciesMs, p);

    public string Describe() => string.Join(", ", Outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key}: {o.Value}"));
}

/// <summary>
/// A closed loop of workers, each doing one operation after another (optionally pausing between them,
/// like a person), recording every operation's latency and outcome label.
/// </summary>
internal sealed class Load
{
    private readonly string _name;
    private readonly MeasurementWindow _window;
    private readonly Task[] _workers;
    private readonly Worker[] _state;
    private readonly CancellationTokenSource _stop;
    private readonly bool _closedLoop;
    private long _completedInWindow;
    private volatile bool _stopping;

    private Load(string name, MeasurementWindow window, int workers, Func<int, Random, CancellationToken, Task<string>> operation,
        Func<Random, TimeSpan>? think, CancellationToken cancellationToken)
    {
        _name = name;
        _window = window;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _closedLoop = think is null;
        _state = Enumerable.Range(0, workers).Select(_ => new Worker()).ToArray();
        _workers = Enumerable.Range(0, workers).Select(i => Task.Run(() => RunAsync(i, operation, think))).ToArray();
    }

    public static Load Start(string name, MeasurementWindow window, int workers, Func<int, Random, CancellationToken, Task<string>> operation,
        CancellationToken cancellationToken, Func<Random, TimeSpan>? think = null) =>
        new(name, window, workers, operation, think, cancellationToken);

    /// <summary>Completions inside the window so far, per second: the live figure on the progress bar.</summary>
    public double CurrentRate => _window.Length > TimeSpan.FromMilliseconds(200) ? Interlocked.Read(ref _completedInWindow) / _window.Length.TotalSeconds : 0;

    public long CompletedSoFar => Interlocked.Read(ref _completedInWindow);

    /// <summary>Latencies recorded so far (ms), unsorted: for a live percentile.</summary>
    public double LivePercentile(double p)
    {
        var all = new List<double>();
        foreach (var worker in _state)
        {
            lock (worker)
            {
                all.AddRange(worker.Latencies);
            }
        }

        all.Sort();
        return Stats.Percentile([.. all], p);
    }

    private async Task RunAsync(int index, Func<int, Random, CancellationToken, Task<string>> operation, Func<Random, TimeSpan>? think)
    {
        var random = new Random(index * 7919 + 17);
        var worker = _state[index];
        var token = _stop.Token;
        if (think is not null)
        {
            // People do not arrive in lockstep: spread the first attempts over one pause.
            await Delay(think(random) * random.NextDouble(), token);
        }
        else
        {
            // Neither do machines: workers that start together finish CPU-bound work together, in bursts
            // that make a short window's count jumpy. A 50 ms stagger spreads them out.
            await Delay(TimeSpan.FromMilliseconds(50 * index), token);
        }

        while (!token.IsCancellationRequested && !_stopping)
        {
            // Work goes on after the window closes, unrecorded, until every worker's last recorded operation
            // is done: the operations started late in the window meet the same load as the others.
            if (_window.IsClosed)
            {
                worker.PastWindow = true;
            }

            var startedInWindow = _window.IsOpen;
            var started = Stopwatch.GetTimestamp();
            string label;
            try
            {
                label = await operation(index, random, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                label = "error " + ex.GetType().Name;
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (_window.IsOpen)
            {
                Interlocked.Increment(ref _completedInWindow);
            }

            if (startedInWindow)
            {
                lock (worker)
                {
                    worker.Latencies.Add(elapsed);
                    worker.Outcomes[label] = worker.Outcomes.GetValueOrDefault(label) + 1;
                }
            }

            if (think is not null)
            {
                await Delay(think(random), token);
            }
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, token);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Lets the operations in flight finish (they started in the window) and returns the result.</summary>
    public async Task<LoadResult> FinishAsync(TimeSpan drainLimit)
    {
        var all = Task.WhenAll(_workers);
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp();
        while (!_state.All(w => w.PastWindow) && !all.IsCompleted && System.Diagnostics.Stopwatch.GetElapsedTime(deadline) < drainLimit)
        {
            await Task.Delay(20);
        }

        _stopping = true;
        if (await Task.WhenAny(all, Task.Delay(drainLimit)) != all)
        {
            await _stop.CancelAsync();
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10)));
        }

        _stop.Dispose();
        var latencies = _state.SelectMany(w => w.Latencies).Order().ToArray();
        var outcomes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (label, count) in _state.SelectMany(w => w.Outcomes))
        {
            outcomes[label] = outcomes.GetValueOrDefault(label) + count;
        }

        return new LoadResult(_name, Interlocked.Read(ref _completedInWindow), _window.Length, latencies, outcomes, _closedLoop ? _workers.Length : null);
    }

    /// <summary>One load alone: warm up, measure, drain. The bar shows the rate so far.</summary>
    public static async Task<LoadResult> MeasureAsync(Ui ui, string name, int workers, TimeSpan warmUp, TimeSpan measure,
        Func<int, Random, CancellationToken, Task<string>> operation, CancellationToken cancellationToken, string unit = "/s",
        Action? onOpen = null, Action? onClose = null)
    {
        using var phase = ui.Start(name);
        var window = new MeasurementWindow();
        var load = Start(name, window, workers, operation, cancellationToken);
        var total = warmUp + measure;
        await Ui.WaitAsync(phase, warmUp, () => "warming up", cancellationToken, 0, warmUp / total);
        onOpen?.Invoke();
        window.OpenNow();
        await Ui.WaitAsync(phase, measure, () => $"{load.CurrentRate:0.0}{unit}", cancellationToken, warmUp / total, 1);
        window.CloseNow();
        onClose?.Invoke();
        var result = await load.FinishAsync(TimeSpan.FromMinutes(2));
        phase.Done($"{result.Rate:0.0}{unit}, p50 {result.Percentile(50):0} ms, p99 {result.Percentile(99):0} ms");
        return result;
    }

    private sealed class Worker
    {
        public volatile bool PastWindow;

        public List<double> Latencies { get; } = [];
        public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);
    }
}

internal static class Stats
{
    /// <summary>Nearest-rank percentile of sorted values (NaN when empty).</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

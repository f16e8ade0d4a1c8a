using Microsoft.Extensions.Options;
using Signpost.Core.SignIn;

namespace Signpost.Core.Tests.SignIn;

/// <summary>The gate itself (docs/security.md, "Admission before the hash"): slots, the two queues, the bound, leaving.</summary>
public sealed class HashAdmissionTests
{
    private static HashAdmission Gate(int concurrency = 1, int untrustedQueue = 2, int trustedReserve = 0) =>
        new(Options.Create(new HashAdmissionOptions { Concurrency = concurrency, UntrustedQueue = untrustedQueue, TrustedReserve = trustedReserve }));

    [Fact]
    public async Task FreeSlots_AdmitAtOnce_UpToConcurrency_ThenQueue()
    {
        var gate = Gate(concurrency: 2);

        var first = await gate.EnterAsync(trusted: false, CancellationToken.None);
        var second = await gate.EnterAsync(trusted: false, CancellationToken.None);
        var third = gate.EnterAsync(trusted: false, CancellationToken.None);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.False(third.IsCompleted);
        Assert.Equal(new HashAdmissionState(2, 0, 1, 0), gate.State);
        first!.Dispose();
        first.Dispose();
        (await third)!.Dispose();
        second!.Dispose();
        Assert.Equal(new HashAdmissionState(0, 0, 0, 0), gate.State);
    }

    [Fact]
    public async Task FullUntrustedQueue_RefusesUntrusted_ButQueuesTrusted()
    {
        var gate = Gate(untrustedQueue: 2);
        var held = await gate.EnterAsync(trusted: false, CancellationToken.None);
        var waiting = new[] { gate.EnterAsync(false, CancellationToken.None), gate.EnterAsync(false, CancellationToken.None) };

        var refused = await gate.EnterAsync(trusted: false, CancellationToken.None);
        var trusted = gate.EnterAsync(trusted: true, CancellationToken.None);

        Assert.Null(refused);
        Assert.False(trusted.IsCompleted);
        Assert.Equal(new HashAdmissionState(1, 1, 2, 1), gate.State);
        held!.Dispose();
        (await trusted)!.Dispose();
        foreach (var slot in waiting)
        {
            (await slot)!.Dispose();
        }

        Assert.Equal(new HashAdmissionState(0, 0, 0, 1), gate.State);
    }

    [Fact]
    public async Task FreedSlot_GoesToTheFirstTrustedWaiter_BeforeEarlierUntrustedOnes_InArrivalOrderWithinAQueue()
    {
        var gate = Gate(untrustedQueue: 4);
        var held = await gate.EnterAsync(trusted: false, CancellationToken.None);
        var order = new List<string>();
        async Task Wait(string name, bool trusted)
        {
            var slot = await gate.EnterAsync(trusted, CancellationToken.None);
            lock (order)
            {
                order.Add(name);
            }

            slot!.Dispose();
        }

        var all = new List<Task> { Wait("u1", false), Wait("u2", false), Wait("t1", true), Wait("u3", false), Wait("t2", true) };
        Assert.Equal(new HashAdmissionState(1, 2, 3, 0), gate.State);
        held!.Dispose();
        await Task.WhenAll(all);

        Assert.Equal(["t1", "t2", "u1", "u2", "u3"], order);
    }

    [Fact]
    public async Task CancelledWaiter_LeavesTheQueue_AndItsPlaceIsFree()
    {
        var gate = Gate(untrustedQueue: 1);
        var held = await gate.EnterAsync(trusted: false, CancellationToken.None);
        using var leave = new CancellationTokenSource();
        var waiting = gate.EnterAsync(trusted: false, leave.Token).AsTask();

        await leave.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(new HashAdmissionState(1, 0, 0, 0), gate.State);
        var next = gate.EnterAsync(trusted: false, CancellationToken.None);
        Assert.Equal(new HashAdmissionState(1, 0, 1, 0), gate.State);
        held!.Dispose();
        (await next)!.Dispose();
        Assert.Equal(new HashAdmissionState(0, 0, 0, 0), gate.State);
    }

    [Fact]
    public async Task Reserve_AdmitsTrustedAtOnce_WhenUntrustedHashesFillEverySlot_ButNeverUntrusted()
    {
        var gate = Gate(concurrency: 2, untrustedQueue: 1, trustedReserve: 1);
        var untrusted = new[] { await gate.EnterAsync(false, CancellationToken.None), await gate.EnterAsync(false, CancellationToken.None) };
        var waiting = gate.EnterAsync(trusted: false, CancellationToken.None);

        // The third slot is the reserve: the trusted attempt takes it, the untrusted one still waits and the next is refused.
        var trusted = await gate.EnterAsync(trusted: true, CancellationToken.None);
        var refused = await gate.EnterAsync(trusted: false, CancellationToken.None);

        Assert.NotNull(trusted);
        Assert.False(waiting.IsCompleted);
        Assert.Null(refused);
        Assert.Equal(new HashAdmissionState(3, 0, 1, 1), gate.State);

        // A second trusted attempt finds the reserve taken and waits, ahead of the untrusted one.
        var secondTrustedEntry = gate.EnterAsync(trusted: true, CancellationToken.None);
        Assert.False(secondTrustedEntry.IsCompleted);
        untrusted[0]!.Dispose();
        var secondTrusted = await secondTrustedEntry;
        Assert.NotNull(secondTrusted);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(new HashAdmissionState(3, 0, 1, 1), gate.State);

        // The reserve's slot freed is not the untrusted attempt's: two hashes still run, which is all untrusted ones may share.
        trusted!.Dispose();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(new HashAdmissionState(2, 0, 1, 1), gate.State);
        untrusted[1]!.Dispose();
        (await waiting)!.Dispose();
        secondTrusted!.Dispose();
        Assert.Equal(new HashAdmissionState(0, 0, 0, 1), gate.State);
    }

    [Fact]
    public async Task UntrustedHashes_RunOnTheGatesLoweredThreads_TrustedOnesOnTheCallersThread()
    {
        var gate = new HashAdmission(Options.Create(new HashAdmissionOptions { Concurrency = 1, TrustedReserve = 1, UntrustedHashNice = 7 }));
        using var untrusted = await gate.EnterAsync(trusted: false, CancellationToken.None);
        using var trusted = await gate.EnterAsync(trusted: true, CancellationToken.None);
        var caller = Environment.CurrentManagedThreadId;
        var callerNice = ThreadNice();

        var (untrustedThread, untrustedName, untrustedNice) = await untrusted!.RunAsync(() => (Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, ThreadNice()));
        // The await above may resume on another thread: the trusted hash runs on whichever calls it.
        var trustedCaller = Environment.CurrentManagedThreadId;
        var (trustedThread, _, trustedNice) = await trusted!.RunAsync(() => (Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, ThreadNice()));

        Assert.False(untrusted.Trusted);
        Assert.True(trusted.Trusted);
        Assert.NotEqual(caller, untrustedThread);
        Assert.Equal("Signpost untrusted hash", untrustedName);
        Assert.Equal(trustedCaller, trustedThread);
        Assert.Equal(1, gate.LoweredHashes);
        Assert.Equal(7, gate.UntrustedHashNice);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(7, untrustedNice);
            Assert.Equal(callerNice, trustedNice);
        }

        // A hash that throws fails its caller, and the thread goes on hashing.
        await Assert.ThrowsAsync<InvalidOperationException>(() => untrusted.RunAsync<int>(() => throw new InvalidOperationException()).AsTask());
        Assert.Equal(42, await untrusted.RunAsync(() => 42));
    }

    [Fact]
    public async Task UntrustedHash_OnTheLoweredThread_RunsInTheCallersTrace()
    {
        // Arrange: the request's span (what the sign-in starts), listened to as an exporter would.
        using var source = new System.Diagnostics.ActivitySource("Signpost.Tests.HashAdmission");
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        var gate = new HashAdmission(Options.Create(new HashAdmissionOptions { Concurrency = 1, UntrustedHashNice = 7 }));
        using var untrusted = await gate.EnterAsync(trusted: false, CancellationToken.None);
        using var request = source.StartActivity("sign_in");
        Assert.NotNull(request);

        // Act: the hash starts its own span on the gate's thread, as PasswordHashing's verify does.
        var (thread, parent, trace) = await untrusted!.RunAsync(() =>
        {
            using var hash = source.StartActivity("verify");
            return (Thread.CurrentThread.Name, hash?.ParentSpanId, hash?.TraceId);
        });

        // Assert: another thread, yet the hash's span is the request's child, in the request's trace.
        Assert.Equal("Signpost untrusted hash", thread);
        Assert.Equal(request.SpanId, parent);
        Assert.Equal(request.TraceId, trace);
    }

    [Fact]
    public async Task Dispose_EndsTheLowerPriorityThreads_AndALaterUntrustedHashStillRuns()
    {
        // Arrange: a gate whose untrusted hashes run on its own threads; one hash there first, so they are running.
        var gate = new HashAdmission(Options.Create(new HashAdmissionOptions { Concurrency = 2, UntrustedHashNice = 7 }));
        using (var first = await gate.EnterAsync(trusted: false, CancellationToken.None))
        {
            Assert.Equal("Signpost untrusted hash", await first!.RunAsync(() => Thread.CurrentThread.Name));
        }

        Assert.Equal(2, gate.UntrustedThreadsAlive);

        // Act: the host stops.
        gate.Dispose();

        // Assert: the gate's threads have ended; an attempt admitted while stopping still gets its answer, hashed on its own thread.
        Assert.Equal(0, gate.UntrustedThreadsAlive);
        using var late = await gate.EnterAsync(trusted: false, CancellationToken.None);
        var caller = Environment.CurrentManagedThreadId;
        Assert.Equal(caller, await late!.RunAsync(() => Environment.CurrentManagedThreadId));
    }

    [Fact]
    public async Task UntrustedHashNiceZero_HashesUntrustedOnTheCallersThread()
    {
        var gate = new HashAdmission(Options.Create(new HashAdmissionOptions { Concurrency = 1, UntrustedHashNice = 0 }));
        using var untrusted = await gate.EnterAsync(trusted: false, CancellationToken.None);
        var caller = Environment.CurrentManagedThreadId;

        Assert.Equal(caller, await untrusted!.RunAsync(() => Environment.CurrentManagedThreadId));
        Assert.Equal(0, gate.LoweredHashes);
        Assert.Equal(0, gate.UntrustedHashNice);
    }

    /// <summary>The calling thread's nice value (Linux: field 19 of /proc/thread-self/stat); 0 elsewhere.</summary>
    private static int ThreadNice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Defaults_OneSlotPerCore_OneReservedPerCore_FourWaitingPerCore()
    {
        var gate = new HashAdmission(Options.Create(new HashAdmissionOptions()));

        Assert.Equal(HashAdmissionOptions.DefaultUntrustedHashNice, gate.UntrustedHashNice);
        Assert.Equal(Environment.ProcessorCount, gate.Concurrency);
        Assert.Equal(Environment.ProcessorCount, gate.TrustedReserve);
        Assert.Equal(HashAdmissionOptions.UntrustedQueuePerCore * Environment.ProcessorCount, gate.UntrustedQueueLimit);
        Assert.Equal(TimeSpan.FromSeconds(5), gate.RetryAfter);
    }
}

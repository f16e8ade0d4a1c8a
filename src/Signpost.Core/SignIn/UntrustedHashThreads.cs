using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Signpost.Core.SignIn;

/// <summary>
/// The threads untrusted attempts hash on (docs/security.md, "Admission before the hash", CPU priority): one per
/// untrusted slot of the <see cref="HashAdmission"/> gate, each lowered to <see cref="Nice"/> when it starts, so that
/// while a flood's hashes run the operating system gives a trusted attempt's hash (which runs on the request's own
/// thread, at the process's priority) and the node's other work (answering, refusing, writing) the CPU first. With
/// nothing else to run, these threads take the CPU as any other would: the flood's ceiling is not lowered.
/// </summary>
/// <remarks>
/// A thread's priority is lowered once and never raised again, since raising it takes a privilege the node does not
/// need to have; so untrusted hashes have threads of their own rather than borrowing the thread pool's.
/// </remarks>
internal sealed class UntrustedHashThreads : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly List<Thread> _threads = [];

    public UntrustedHashThreads(int threads, int nice)
    {
        Nice = nice;
        for (var i = 0; i < threads; i++)
        {
            var thread = new Thread(Work) { IsBackground = true, Name = "Signpost untrusted hash" };
            _threads.Add(thread);
            thread.Start();
        }
    }

    /// <summary>The nice value (Linux; 1–19, lower priority as it grows) these threads run at.</summary>
    public int Nice { get; }

    /// <summary>Whether lowering the priority took effect on the threads started so far (false where the OS refused or has no such call).</summary>
    public bool Lowered { get; private set; } = true;

    /// <summary>
    /// Runs <paramref name="hash"/> on one of these threads, in the caller's execution context: its trace (the hash's
    /// span is a child of the sign-in's, docs/observability.md) and whatever else flows with the request.
    /// </summary>
    public Task<T> RunAsync<T>(Func<T> hash)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var context = ExecutionContext.Capture();
        Action item = () =>
        {
            try
            {
                if (context is null)
                {
                    done.SetResult(hash());
                }
                else
                {
                    ExecutionContext.Run(context, _ => done.SetResult(hash()), null);
                }
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        };
        try
        {
            _work.Add(item);
        }
        catch (InvalidOperationException)
        {
            item(); // stopping: the threads take no more work, so this hash runs here rather than never
        }

        return done.Task;
    }

    /// <summary>These threads still running (for tests of <see cref="Dispose"/>).</summary>
    internal int Alive => _threads.Count(t => t.IsAlive);

    /// <summary>Takes no more work; each thread ends once the hashes queued before this have run.</summary>
    public void Dispose()
    {
        _work.CompleteAdding();
        var deadline = Environment.TickCount64 + 5_000; // a hash takes a fraction of a second; do not hold a stopping host longer
        foreach (var thread in _threads)
        {
            thread.Join(TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64)));
        }
    }

    private void Work()
    {
        if (!Lower(Nice))
        {
            Lowered = false;
        }

        foreach (var item in _work.GetConsumingEnumerable())
        {
            item();
        }
    }

    /// <summary>Lowers the calling thread's priority: its nice value on Linux, the thread priority elsewhere.</summary>
    private static bool Lower(int nice)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // On Linux a thread is a task with its own nice value: PRIO_PROCESS with the thread's id sets this thread's only.
                return NativeMethods.SetPriority(0, NativeMethods.GetTid(), nice) == 0;
            }

            Thread.CurrentThread.Priority = ThreadPriority.Lowest;
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int SetPriority(int which, int who, int priority);

        [DllImport("libc", EntryPoint = "gettid")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int GetTid();
    }
}

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
internal sealed class UntrustedHashThreads
{
    private readonly BlockingCollection<Action> _work = new();

    public UntrustedHashThreads(int threads, int nice)
    {
        Nice = nice;
        for (var i = 0; i < threads; i++)
        {
            new Thread(Work) { IsBackground = true, Name = "Signpost untrusted hash" }.Start();
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
        _work.Add(() =>
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
        });
        return done.Task;
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

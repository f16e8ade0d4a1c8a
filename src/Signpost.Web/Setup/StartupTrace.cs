using System.Diagnostics;

namespace Signpost.Web.Setup;

/// <summary>
/// With <c>SIGNPOST_STARTUP_TRACE=1</c>, <c>serve</c> writes one line to standard error at each step of its
/// start — host built, schema checked, listening, first answer — in milliseconds since the process started,
/// so a slow start can be taken apart without a profiler (docs/cli.md, "What a start costs").
/// Off, it costs one environment read.
/// </summary>
public static class StartupTrace
{
    public const string Variable = "SIGNPOST_STARTUP_TRACE";

    public static bool Enabled { get; } = Environment.GetEnvironmentVariable(Variable) == "1";

    private static readonly DateTime ProcessStart = Enabled ? Process.GetCurrentProcess().StartTime.ToUniversalTime() : default;

    private static int _answered;

    public static void Mark(string step)
    {
        if (Enabled)
        {
            // CPU (all threads, since the process started) beside wall time: on a loaded machine it is the steadier of the two.
            // The JIT's share: methods compiled at run time (not ReadyToRun) and the time spent compiling them.
            Console.Error.WriteLine($"startup: {(DateTime.UtcNow - ProcessStart).TotalMilliseconds,7:0} ms  cpu {Environment.CpuUsage.TotalTime.TotalMilliseconds,6:0} ms  "
                + $"jit {System.Runtime.JitInfo.GetCompiledMethodCount(),5} methods {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,5:0} ms  {step}");
        }
    }

    /// <summary>Marks the end of the first request this process answered (traced starts only).</summary>
    public static IServiceCollection AddStartupTrace(this IServiceCollection services) =>
        Enabled ? services.AddSingleton<IStartupFilter, FirstAnswerFilter>() : services;

    private sealed class FirstAnswerFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextStep) =>
            {
                var first = Volatile.Read(ref _answered) == 0;
                if (first)
                {
                    Mark($"first request began: {context.Request.Method} {context.Request.Path}");
                }

                await nextStep(context);
                if (Interlocked.Exchange(ref _answered, 1) == 0)
                {
                    Mark($"first answer: {context.Request.Method} {context.Request.Path} {context.Response.StatusCode}");
                }
            });
            next(app);
        };
    }
}

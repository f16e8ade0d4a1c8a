using Microsoft.Extensions.Options;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Setup;

/// <summary>
/// When Signpost's background jobs begin (docs/cli.md, "What a start costs"): not beside the first
/// request, whose every code path is still being compiled, but right after this node answered its first
/// request — or <see cref="SignpostOptions.JobsStartDelaySeconds"/> after it began listening, when nothing
/// asks sooner. Only the start moves: every job still runs at start and then at each of its ticks, and work
/// queued meanwhile (mail in the outbox, events for the escalation sweep) is in the database for its first run.
/// With the delay at 0 the jobs start with the host, before it listens, as they did before.
/// </summary>
public sealed class JobStart
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JobStart(IOptions<SignpostOptions> options, IHostApplicationLifetime lifetime)
    {
        var delay = TimeSpan.FromSeconds(options.Value.JobsStartDelaySeconds);
        if (delay <= TimeSpan.Zero)
        {
            Open();
            return;
        }

        // Real time, not the injected clock: a test's hand-moved clock must not hold the jobs back.
        lifetime.ApplicationStarted.Register(() => _ = Task.Delay(delay, lifetime.ApplicationStopping)
            .ContinueWith(t => { if (!t.IsCanceled) Open(); }, TaskScheduler.Default));
    }

    public bool IsOpen => _open.Task.IsCompleted;

    /// <summary>Completes when the jobs may start (at once, and synchronously, once they may).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => IsOpen ? Task.CompletedTask : _open.Task.WaitAsync(cancellationToken);

    public void Open() => _open.TrySetResult();

    /// <summary>Opens <see cref="JobStart"/> when the first request has been answered (the outermost step of the pipeline).</summary>
    internal sealed class FirstAnswerFilter(JobStart start) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            if (!start.IsOpen)
            {
                app.Use(async (context, nextStep) =>
                {
                    if (start.IsOpen)
                    {
                        await nextStep(context);
                        return;
                    }

                    try
                    {
                        await nextStep(context);
                    }
                    finally
                    {
                        start.Open();
                    }
                });
            }

            next(app);
        };
    }
}

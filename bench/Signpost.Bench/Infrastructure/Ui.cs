using System.Diagnostics;
using Spectre.Console;

namespace Signpost.Bench.Infrastructure;

/// <summary>One step of a scenario on the progress display: a bar, a live status, a closing summary.</summary>
internal interface IPhase : IDisposable
{
    void Update(double fraction, string status);

    void Done(string summary);
}

/// <summary>
/// The progress display. In a terminal: Spectre.Console bars with a live status per phase and the
/// results printed above them as they come. Piped to a file (CI logs, tee): one line per phase start
/// and end and a status line every ten seconds, so a log still shows where a run spent its time.
/// </summary>
internal abstract class Ui
{
    public abstract IPhase Start(string name);

    public abstract void Line(string text);

    /// <summary>Waits <paramref name="duration"/> while the bar fills and <paramref name="status"/> is shown.</summary>
    public static async Task WaitAsync(IPhase phase, TimeSpan duration, Func<string> status, CancellationToken cancellationToken, double from = 0, double to = 1)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var fraction = Math.Min(1, elapsed / duration);
            phase.Update(from + ((to - from) * fraction), status());
            if (elapsed >= duration)
            {
                return;
            }

            var left = duration - elapsed;
            await Task.Delay(left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="body"/> under the display that suits where the output goes.</summary>
    public static async Task<int> RunAsync(Func<Ui, Task<int>> body)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            return await body(new PlainUi());
        }

        var result = 0;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn(),
                new ElapsedTimeColumn(),
                new SpinnerColumn())
            .StartAsync(async context => result = await body(new LiveUi(context)));
        return result;
    }

    private sealed class LiveUi(ProgressContext context) : Ui
    {
        public override IPhase Start(string name) => new LivePhase(context.AddTask(Markup.Escape(name), maxValue: 1000), name);

        public override void Line(string text) => AnsiConsole.MarkupLine(Markup.Escape(text));

        private sealed class LivePhase(ProgressTask task, string name) : IPhase
        {
            public void Update(double fraction, string status)
            {
                task.Value = Math.Clamp(fraction, 0, 1) * task.MaxValue;
                task.Description = $"{Markup.Escape(name)} [grey]{Markup.Escape(status)}[/]";
            }

            public void Done(string summary)
            {
                task.Value = task.MaxValue;
                task.Description = $"{Markup.Escape(name)} [green]{Markup.Escape(summary)}[/]";
                task.StopTask();
            }

            public void Dispose()
            {
                if (!task.IsFinished)
                {
                    task.StopTask();
                }
            }
        }
    }

    private sealed class PlainUi : Ui
    {
        public override IPhase Start(string name)
        {
            Console.WriteLine($"> {name}");
            return new PlainPhase(name);
        }

        public override void Line(string text) => Console.WriteLine(text);

        private sealed class PlainPhase(string name) : IPhase
        {
            private readonly long _started = Stopwatch.GetTimestamp();
            private long _lastPrinted = Stopwatch.GetTimestamp();
            private bool _done;

            public void Update(double fraction, string status)
            {
                if (Stopwatch.GetElapsedTime(_lastPrinted) < TimeSpan.FromSeconds(10))
                {
                    return;
                }

                _lastPrinted = Stopwatch.GetTimestamp();
                Console.WriteLine($"  {name}: {fraction:P0} {status}");
            }

            public void Done(string summary)
            {
                _done = true;
                Console.WriteLine($"  {name}: {summary} ({Stopwatch.GetElapsedTime(_started).TotalSeconds:0.0} s)");
            }

            public void Dispose()
            {
                if (!_done)
                {
                    Console.WriteLine($"  {name}: stopped ({Stopwatch.GetElapsedTime(_started).TotalSeconds:0.0} s)");
                }
            }
        }
    }
}

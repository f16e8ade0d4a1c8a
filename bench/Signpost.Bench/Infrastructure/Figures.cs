using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Signpost.Bench.Infrastructure;

internal enum Verdict
{
    /// <summary>The goal holds in this run.</summary>
    Met,

    /// <summary>The goal does not hold in this run.</summary>
    Missed,

    /// <summary>A figure with no goal of its own (context for another).</summary>
    Info,

    /// <summary>What it measures has not landed yet.</summary>
    NotMeasured,
}

/// <summary>
/// One reported figure: a ratio of two things measured in the same run (this machine is shared and
/// noisy, so absolute numbers are given only beside the ratio, as its inputs).
/// </summary>
internal sealed record Figure(
    string Scenario,
    string Name,
    string Goal,
    double? Ratio,
    string Numerator,
    string Denominator,
    Verdict Verdict,
    string? Note = null)
{
    public static Figure NotMeasured(string scenario, string name, string goal, string why) =>
        new(scenario, name, goal, null, "", "", Verdict.NotMeasured, why);

    public static Verdict AtLeast(double ratio, double goal) => ratio >= goal ? Verdict.Met : Verdict.Missed;

    public static Verdict AtMost(double ratio, double goal) => ratio <= goal ? Verdict.Met : Verdict.Missed;

    public string RatioText => Ratio is { } r ? r.ToString(r >= 100 ? "0" : r >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture) : "—";

    public string VerdictText => Verdict switch
    {
        Verdict.Met => "met",
        Verdict.Missed => "MISSED",
        Verdict.Info => "",
        _ => "not measured yet",
    };
}

/// <summary>What this run measured, on which machine, and under how much other load.</summary>
internal sealed class Report(BenchSettings settings)
{
    private readonly List<Figure> _figures = [];
    private readonly List<string> _notes = [];

    public MachineInfo MachineAtStart { get; } = MachineInfo.Read();

    public IReadOnlyList<Figure> Figures => _figures;

    public void Add(Figure figure)
    {
        lock (_figures)
        {
            _figures.Add(figure);
        }
    }

    public void Note(string note)
    {
        lock (_notes)
        {
            _notes.Add(note);
        }
    }

    /// <summary>Prints the table and writes the results (JSON and Markdown) beside the run's files.</summary>
    public string Finish(TimeSpan elapsed)
    {
        var end = MachineInfo.Read();
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("figure").AddColumn("goal").AddColumn(new TableColumn("ratio").RightAligned()).AddColumn("measured as").AddColumn("");
        foreach (var figure in _figures)
        {
            var measured = figure.Verdict == Verdict.NotMeasured ? figure.Note ?? "" : $"{figure.Numerator} ÷ {figure.Denominator}";
            var verdict = figure.Verdict switch
            {
                Verdict.Met => "[green]met[/]",
                Verdict.Missed => "[red]MISSED[/]",
                Verdict.NotMeasured => "[yellow]not measured yet[/]",
                _ => "",
            };
            table.AddRow(Markup.Escape(figure.Name), Markup.Escape(figure.Goal), figure.RatioText, Markup.Escape(measured), verdict);
        }

        AnsiConsole.WriteLine();
        AnsiConsole.Write(table);
        foreach (var note in _notes)
        {
            AnsiConsole.MarkupLine($"[grey]- {Markup.Escape(note)}[/]");
        }

        var summary = $"{MachineAtStart.Cores} cores, {MachineAtStart.CpuModel}; load average {MachineAtStart.LoadAverage} at start, {end.LoadAverage} at end; {elapsed.TotalMinutes:0.0} min{(settings.Quick ? " (--quick)" : "")}";
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(summary)}[/]");

        Directory.CreateDirectory(settings.RunRoot);
        var json = Path.Combine(settings.RunRoot, "results.json");
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            quick = settings.Quick,
            startedAt = MachineAtStart.ReadAt,
            finishedAt = end.ReadAt,
            machineAtStart = MachineAtStart,
            machineAtEnd = end,
            elapsedSeconds = elapsed.TotalSeconds,
            figures = _figures.Select(f => new { f.Scenario, f.Name, f.Goal, f.Ratio, f.Numerator, f.Denominator, verdict = f.Verdict.ToString(), f.Note }),
            notes = _notes,
        }, new JsonSerializerOptions { WriteIndented = true }));
        var markdown = Path.Combine(settings.RunRoot, "results.md");
        File.WriteAllText(markdown, Markdown(summary));
        AnsiConsole.MarkupLine($"[grey]Results: {Markup.Escape(json)} and {Markup.Escape(markdown)}[/]");
        return markdown;
    }

    private string Markdown(string summary)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run of {MachineAtStart.ReadAt:yyyy-MM-dd HH:mm} UTC: {summary}.");
        text.AppendLine();
        text.AppendLine("| figure | goal | ratio | measured as | verdict |");
        text.AppendLine("|---|---|---:|---|---|");
        foreach (var figure in _figures)
        {
            var measured = figure.Verdict == Verdict.NotMeasured ? figure.Note ?? "" : $"{figure.Numerator} ÷ {figure.Denominator}";
            var extra = figure.Verdict != Verdict.NotMeasured && figure.Note is { } note ? $" ({note})" : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {figure.Name} | {figure.Goal} | {figure.RatioText} | {measured}{extra} | {figure.VerdictText} |");
        }

        foreach (var note in _notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }

        return text.ToString();
    }
}

/// <summary>The machine as /proc describes it.</summary>
internal sealed record MachineInfo(int Cores, string CpuModel, string LoadAverage, long MemoryMiB, DateTimeOffset ReadAt)
{
    public static MachineInfo Read()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
        var memory = File.Exists("/proc/meminfo")
            ? long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024
            : 0;
        return new MachineInfo(Environment.ProcessorCount, model, load, memory, DateTimeOffset.UtcNow);
    }
}

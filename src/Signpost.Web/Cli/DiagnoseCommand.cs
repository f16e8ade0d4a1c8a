using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Signpost.Core.Troubleshooting;
using Signpost.Web.Infrastructure;
using Signpost.Web.Platform;
using Spectre.Console;

namespace Signpost.Web.Cli;

/// <summary>
/// <c>signpost diagnose TRACE_ID</c> and <c>signpost diagnose --user U [--from] [--to]</c>: the
/// troubleshooter's diagnosis as a table — root cause, action, escalation, then the eight steps with their
/// evidence. The operator at the console is support, so the diagnosis is the support one.
/// </summary>
public static class DiagnoseCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Build()
    {
        var traceId = new Argument<string?>("trace-id") { Description = "The trace ID shown on the failure page.", Arity = ArgumentArity.ZeroOrOne };
        var user = new Option<string?>("--user") { Description = "Diagnose an account instead: its username, email or NPI." };
        var from = new Option<string?>("--from") { Description = "With --user: start of the range, ISO 8601 (default: 24 hours before --to)." };
        var to = new Option<string?>("--to") { Description = "With --user: end of the range, ISO 8601 (default: now)." };
        var json = new Option<bool>("--json") { Description = "Print the diagnosis as JSON." };
        var width = new Option<int?>("--width") { Description = "Table width in columns (default: the terminal's, or 120 when redirected)." };
        var command = new Command("diagnose", "Run the troubleshooter on a trace ID or an account and print the diagnosis.") { traceId, user, from, to, json, width };
        command.SetAction(async (result, ct) =>
        {
            // A usage mistake: exit 2 before any database is opened (docs/cli.md).
            if ((result.GetValue(traceId) is null) == (result.GetValue(user) is null))
            {
                await Console.Error.WriteLineAsync("signpost: Give a trace ID or --user, not both and not neither.");
                return ExitCodes.Usage;
            }

            return await Diagnose(result, ct);
        });
        return command;

        Task<int> Diagnose(ParseResult result, CancellationToken ct) => AdminCommands.ReadAsync(async (services, ct2) =>
        {
            var troubleshooter = services.GetRequiredService<Troubleshooter>();
            var typedTrace = result.GetValue(traceId);
            var identifier = result.GetValue(user);

            DiagnosisResult diagnosis;
            if (typedTrace is not null)
            {
                diagnosis = await troubleshooter.DiagnoseTraceAsync(typedTrace, DiagnosisAudience.Support, ct2);
            }
            else
            {
                var account = await services.GetRequiredService<PlatformProvisioning>().FindAccountAsync(identifier!, ct2)
                    ?? throw new CommandRefusedException($"No account has the identifier '{identifier}'.");
                diagnosis = await troubleshooter.DiagnoseAccountAsync(account.Id, Instant(result.GetValue(from), "--from"), Instant(result.GetValue(to), "--to"), DiagnosisAudience.Support, ct2);
            }

            if (diagnosis.Diagnosis is not { } found)
            {
                throw new CommandRefusedException(diagnosis.Status == DiagnosisStatus.UnknownTraceId ? $"No sign-in event has trace ID {typedTrace!.Trim().ToLowerInvariant()}." : diagnosis.Message);
            }

            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(found, Indented));
                return;
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(Console.Out),
                Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
                ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            });
            console.Profile.Width = result.GetValue(width) ?? (Console.IsOutputRedirected ? 120 : console.Profile.Width);
            Render(console, found);
        }, ct);
    }

    /// <summary>Writes the diagnosis: a summary table, then one row per step with its evidence.</summary>
    public static void Render(IAnsiConsole console, Diagnosis diagnosis)
    {
        var summary = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn("");
        summary.Title = new TableTitle(Markup.Escape($"Diagnosis of {diagnosis.Subject}"));
        summary.AddRow("range", Markup.Escape($"{Evidence.Utc(diagnosis.From)} to {Evidence.Utc(diagnosis.To)}"));
        if (diagnosis.Focus is { } focus)
        {
            summary.AddRow("attempt", Markup.Escape($"{focus.TraceId}  {Evidence.Utc(focus.OccurredAt)}  {focus.Method}  {(focus.Succeeded ? "succeeded" : "failed")}"));
        }

        summary.AddRow("root cause", diagnosis.RootCause is { } root ? $"[bold]{Markup.Escape(root.Code)}[/] — {Markup.Escape(root.Title)}" : "none");
        summary.AddRow("action", Markup.Escape(diagnosis.ImmediateAction));
        var escalation = diagnosis.Escalation;
        summary.AddRow("escalate", Markup.Escape(escalation.Escalate
            ? $"yes, to {string.Join(" and ", escalation.Targets.Select(Troubleshooter.Describe))} ({escalation.RuleId})"
            : "no"));
        summary.AddRow("why", Markup.Escape(escalation.Explanation));
        console.Write(summary);

        var steps = new Table().Border(TableBorder.Rounded).AddColumn("step").AddColumn("status").AddColumn("evidence");
        foreach (var step in diagnosis.Steps)
        {
            var evidence = step.Findings.SelectMany(f => f.Evidence.Select(e => f.Check == "attempt" || f.Check == "escalation" ? e : $"{f.Check}: {e}"));
            steps.AddRow(
                Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{step.Number} {step.Title}")),
                Status(step.Status),
                Markup.Escape(string.Join("\n", evidence)));
        }

        console.Write(steps);
    }

    private static string Status(StepStatus status) => status switch
    {
        StepStatus.Problem => "[red]problem[/]",
        StepStatus.Unknown => "[yellow]unknown[/]",
        StepStatus.Ok => "[green]ok[/]",
        _ => "[grey]not used here[/]",
    };

    private static DateTimeOffset? Instant(string? value, string option)
    {
        if (value is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed.ToUniversalTime()
            : throw new CommandRefusedException($"{option} '{value}' is not an ISO 8601 instant such as 2026-03-02T09:00:00Z.");
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Signpost.Core.Analytics;
using Signpost.Data.Analytics;
using Signpost.Web.Analytics;
using Signpost.Web.Infrastructure;
using Signpost.Web.Queries;
using Spectre.Console;

namespace Signpost.Web.Cli;

/// <summary>
/// <c>signpost report --from D --to D [--org S] [--category C] [--method M] [--format text|csv|json] [--table T]</c>:
/// the numbers of the analytics pages (docs/analytics.md, "The report command"). It first counts any events
/// the analytics job has not reached — under the job's lease, so a running service and this command never
/// count the same slice — with a progress bar on a terminal when that is more than a few days.
/// </summary>
public static class ReportCommand
{
    /// <summary>Slices of catch-up below which no progress bar is drawn.</summary>
    private const int QuietSlices = 7;

    public static Command Build()
    {
        var from = new Option<string>("--from") { Description = "First day, YYYY-MM-DD (practice-local days).", Required = true };
        var to = new Option<string>("--to") { Description = "Last day, YYYY-MM-DD, inclusive.", Required = true };
        var org = new Option<string?>("--org") { Description = "Slug of one practice (default: all)." };
        var category = new Option<string?>("--category") { Description = "One reason category of failures, e.g. Credentials, NetworkAndDevice." };
        var method = new Option<string?>("--method") { Description = "One sign-in method, e.g. Password, Sso." };
        var format = new Option<string>("--format") { Description = "text, csv or json.", DefaultValueFactory = _ => "text" }.AcceptOnlyFromAmong("text", "csv", "json");
        var table = new Option<string>("--table") { Description = $"With --format csv, the table: {string.Join(", ", AnalyticsCsv.Tables)}.", DefaultValueFactory = _ => "summary" }
            .AcceptOnlyFromAmong([.. AnalyticsCsv.Tables]);
        // A day that is not YYYY-MM-DD is a wrong command line (exit 2, nothing runs); a range that makes no sense is refused (exit 1).
        foreach (var day in new[] { from, to })
        {
            day.Validators.Add(result =>
            {
                var value = result.GetValueOrDefault<string>();
                if (value is not null && !DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    result.AddError($"{result.Option.Name} must be a day written YYYY-MM-DD, not '{value}'.");
                }
            });
        }

        var command = new Command("report", "Print the sign-in analytics of a date range: root causes, recovery, help requests and incidents, where and when failures happen.")
        {
            from, to, org, category, method, format, table,
        };
        command.SetAction((result, ct) => AdminCommands.RunAsync(async (services, ct2) =>
        {
            var output = result.GetValue(format)!;
            var tableName = result.GetValue(table)!;

            Guid? organization = null;
            string? slug = null;
            if (result.GetValue(org) is { } wanted)
            {
                slug = wanted.Trim().ToLowerInvariant();
                var s = slug;
                organization = await services.GetRequiredService<CliQueries>().OrganizationIdAsync(s, ct2)
                    ?? throw new CommandRefusedException($"No organization has slug '{slug}'.");
            }

            var query = new AnalyticsQuery
            {
                From = result.GetValue(from), To = result.GetValue(to), Category = result.GetValue(category), Method = result.GetValue(method),
            };
            var problems = new List<(string Field, string Message)>();
            var time = services.GetRequiredService<TimeProvider>();
            var filter = query.Parse(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), organization, problems);
            if (problems.Count > 0)
            {
                throw new CommandRefusedException(string.Join(" ", problems.Select(p => $"--{p.Field.ToLowerInvariant()}: {p.Message}")));
            }

            await CatchUpAsync(services, time, ct2);
            var report = await services.GetRequiredService<IAnalyticsReader>().ReadAsync(filter, ct2);
            Console.Write(output switch
            {
                "csv" => AnalyticsCsv.Write(report, tableName),
                "json" => Json(report, slug),
                _ => Text(report, slug),
            });
        }, ct));
        return command;
    }

    /// <summary>
    /// Counts what the job has not, when this process can take the job's lease (read straight from the lease
    /// store: the job's runner would log to standard output, which carries the report); a bar on a terminal
    /// when it is a long way behind.
    /// </summary>
    private static async Task CatchUpAsync(IServiceProvider services, TimeProvider time, CancellationToken cancellationToken)
    {
        var leases = services.GetRequiredService<Core.Scheduling.ILeaseStore>();
        var node = $"report/{Environment.MachineName}/{Environment.ProcessId}";
        if (!await leases.TryAcquireAsync(AnalyticsJob.JobName, node, AnalyticsJob.Interval * 3, time.GetUtcNow(), cancellationToken))
        {
            return; // the service is counting: the report shows where it stands (counted up to …)
        }

        try
        {
            var aggregator = services.GetRequiredService<AnalyticsAggregator>();
            var (events, _) = await aggregator.WatermarksAsync(cancellationToken);
            var behind = events is { } mark ? (int)Math.Ceiling((time.GetUtcNow() - mark) / AnalyticsAggregator.Slice) : 0;
            if (Console.IsErrorRedirected || behind < QuietSlices)
            {
                while (await aggregator.RunAsync(AnalyticsJob.SlicesPerRun, cancellationToken) > 0)
                {
                }

                return;
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await console.Progress().StartAsync(async context =>
            {
                var task = context.AddTask($"Counting {behind:N0} day(s) of new sign-in events", maxValue: behind * 2);
                int done;
                while ((done = await aggregator.RunAsync(1, cancellationToken)) > 0)
                {
                    task.Increment(done);
                }

                task.Value = task.MaxValue;
            });
        }
        finally
        {
            await leases.ReleaseAsync(AnalyticsJob.JobName, node, CancellationToken.None);
        }
    }

    private static string Text(AnalyticsReport r, string? slug)
    {
        var i = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.AppendLine(string.Create(i, $"Sign-in analytics {r.Filter.From:yyyy-MM-dd} to {r.Filter.To:yyyy-MM-dd}{(slug is null ? ", all practices" : $", practice {slug}")}"));
        text.AppendLine(r.CountedUpTo is { } up ? string.Create(i, $"counted up to {up.UtcDateTime:yyyy-MM-dd HH:mm} UTC") : "nothing counted yet");
        text.AppendLine();
        foreach (var row in AnalyticsCsv.Rows(r, "summary")!.Skip(1))
        {
            text.AppendLine(string.Create(i, $"{row[0],-34} {row[1]}"));
        }

        Section(text, "failures by category", AnalyticsCsv.Rows(r, "categories")!, last: true);
        Section(text, "failure stories by ending", AnalyticsCsv.Rows(r, "stories")!);
        Section(text, "recovered alone, by way", AnalyticsCsv.Rows(r, "ways")!);
        Section(text, "reasons", AnalyticsCsv.Rows(r, "reasons")!);
        if (slug is null)
        {
            Section(text, "practices with the most failures", AnalyticsCsv.Rows(r, "practices")!);
        }

        Section(text, "networks with the most failures", AnalyticsCsv.Rows(r, "networks")!);
        return text.ToString();
    }

    /// <summary>A table as aligned columns; <paramref name="last"/> totals its last column per header instead (the per-day table is long).</summary>
    private static void Section(System.Text.StringBuilder text, string title, IReadOnlyList<string?[]> rows, bool last = false)
    {
        text.AppendLine().AppendLine(title + ":");
        if (last)
        {
            // Per category over the range: the column totals of the per-day table.
            var header = rows[0];
            for (var c = 1; c < header.Length; c++)
            {
                var sum = rows.Skip(1).Sum(row => long.Parse(row[c]!, CultureInfo.InvariantCulture));
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {header[c],-32} {sum}"));
            }

            return;
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(row => (row[c] ?? "").Length)).ToArray();
        foreach (var row in rows)
        {
            text.Append("  ").AppendLine(string.Join("  ", row.Select((cell, c) => (cell ?? "").PadRight(widths[c]))).TrimEnd());
        }
    }

    private static string Json(AnalyticsReport r, string? slug)
    {
        static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var document = new
        {
            From = Day(r.Filter.From),
            To = Day(r.Filter.To),
            Practice = slug,
            Category = r.Filter.Category is { } c ? AnalyticsCsv.Name(c) : null,
            Method = r.Filter.Method is { } m ? AnalyticsCsv.Name(m) : null,
            CountedUpTo = r.CountedUpTo,
            r.SignIns,
            r.Failures,
            FailureStories = r.StoriesTotal,
            SelfServiceRecoveryRate = r.SelfServiceRate,
            Stories = r.Stories.ToDictionary(s => AnalyticsCsv.Name(s.Key), s => s.Value),
            RecoveredAloneBy = r.Ways.ToDictionary(w => AnalyticsCsv.Name(w.Key), w => w.Value),
            MeanSecondsToRecover = r.MeanTimeToRecover.ToDictionary(e => AnalyticsCsv.Name(e.Key), e => e.Value is { } t ? (long?)t.TotalSeconds : null),
            r.HelpRequests,
            r.Incidents,
            HelpRequestsPer1000SignIns = r.HelpRequestsPerThousand,
            IncidentsPer1000SignIns = r.IncidentsPerThousand,
            FailuresByCategory = r.CategoryTotals.ToDictionary(p => AnalyticsCsv.Name(p.Key), p => p.Value),
            // Per day, or per calendar month of a long range (LastDay then the last day the point covers).
            PointsAreMonths = r.Filter.ByMonth,
            Days = r.Days.Select(d => new { Day = Day(d.Day), LastDay = Day(d.LastDay), Failures = d.Failures.ToDictionary(p => AnalyticsCsv.Name(p.Key), p => p.Value) }),
            Reasons = r.Reasons.Select(x => new { Code = x.ReasonCode, x.Count }),
            Practices = r.Practices.Select(p => new { p.Name, p.Slug, p.Failures, p.SignIns }),
            Networks = r.Networks.Select(n => new { n.Network, n.AllowListed, n.Failures }),
            FailuresByWeekdayAndHour = Enumerable.Range(0, 7).Select(d => Enumerable.Range(0, 24).Select(h => r.HeatMap[d, h])),
            Maintenance = r.Maintenance.Select(w => new { w.StartsAt, w.EndsAt, w.Message }),
        };
        return JsonSerializer.Serialize(document, Options) + Environment.NewLine;
    }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DictionaryKeyPolicy = null };
}

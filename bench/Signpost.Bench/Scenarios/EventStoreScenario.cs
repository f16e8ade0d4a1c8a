using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;
using Signpost.Bench.Targets;
using Signpost.Data;
using Signpost.Data.Sqlite;

namespace Signpost.Bench.Scenarios;

/// <summary>
/// The event store at the generated size (10 million events, 1 million accounts; --quick: the small set).
/// <list type="bullet">
/// <item>Trace-ID lookup: <c>GET /api/v1/events/{traceId}</c> as a support agent, for random events,
/// one at a time, alternating with <c>GET /healthz</c>; p99 ÷ the bare endpoint's p99.</item>
/// <item>30-day root-cause breakdown (failures by reason code, newest 30 days), for the biggest practice
/// and for all: Signpost has no breakdown endpoint yet, so it runs through Signpost's data layer
/// (<see cref="SignpostDbContext"/>, EF Core, Microsoft.Data.Sqlite) ÷ the very SQL EF generated, parameters
/// and all (<c>ToQueryString</c> writes <c>.param set</c> lines), run by the <c>sqlite3</c> command line on the
/// same file, timed by its own <c>.timer</c> so process start is not counted: its CPU time (user and system),
/// which it prints to the microsecond, where it prints the wall time only to the millisecond (a warm read from
/// the page cache is all CPU). Beside it, as context, the same SQL through Microsoft.Data.Sqlite in this
/// process, the engine EF Core runs on: the command line is the machine's own SQLite, often another version.</item>
/// </list>
/// </summary>
internal sealed class EventStoreScenario : IScenario
{
    public string Name => "events";

    public string Description => "Trace-ID lookup p99 and 30-day root-cause breakdowns at 10 million events, ÷ the sqlite3 command line.";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var (folder, manifest) = await Scenarios.DatasetAsync(context, cancellationToken);
        var database = DatasetManifest.DatabasePath(folder);
        await TraceLookupsAsync(context, database, manifest, cancellationToken);
        await BreakdownsAsync(context, database, manifest, cancellationToken);
    }

    private async Task TraceLookupsAsync(BenchContext context, string database, DatasetManifest manifest, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var count = settings.Pick(1000, 200);
        var random = new Random(99);
        var traceIds = new List<string>(count);
        using (var db = SignpostTarget.OpenReadOnly(database))
        {
            while (traceIds.Count < count)
            {
                var id = random.NextInt64(1, manifest.Events + 1);
                if (SignpostTarget.Scalar<string>(db, "SELECT TraceId FROM SignInEvents WHERE Id = $id", ("$id", id)) is { } trace)
                {
                    traceIds.Add(trace);
                }
            }
        }

        await using var server = await SignpostTarget.StartAsync(settings, database, cancellationToken, name: "signpost-events");
        using var client = Http.Client(server.BaseUri);
        var (session, _) = await SignpostTarget.SignInForCookiesAsync(client, DatasetManifest.SupportUsername, cancellationToken);
        var cookie = "sp_session=" + session;

        var lookups = new List<double>(count);
        var bare = new List<double>(count);
        var failures = 0;
        using (var phase = ui.Start($"events: {count} trace-ID lookups among {manifest.Events:N0} events"))
        {
            for (var i = -20; i < count; i++)
            {
                var trace = traceIds[Math.Max(0, i) % count];
                var started = Stopwatch.GetTimestamp();
                var answer = await Http.GetAsync(client, $"/api/v1/events/{trace}", cookie, cancellationToken);
                var lookup = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                started = Stopwatch.GetTimestamp();
                await Http.GetAsync(client, "/healthz", null, cancellationToken);
                var plain = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (i < 0)
                {
                    continue; // warm-up
                }

                failures += answer.Status == 200 ? 0 : 1;
                lookups.Add(lookup);
                bare.Add(plain);
                if (i % 20 == 0)
                {
                    phase.Update((double)i / count, F($"{i} done"));
                }
            }

            phase.Done(F($"p99 {Stats.Percentile([.. lookups.Order()], 99):0.0} ms; /healthz p99 {Stats.Percentile([.. bare.Order()], 99):0.0} ms"));
        }

        var lookupP99 = Stats.Percentile([.. lookups.Order()], 99);
        var bareP99 = Stats.Percentile([.. bare.Order()], 99);
        report.Add(new Figure(Name, F($"Trace-ID lookup p99 at {manifest.Events:N0} events ÷ bare endpoint p99"), "(context)", lookupP99 / bareP99,
            F($"{lookupP99:0.0} ms (p50 {Stats.Percentile([.. lookups.Order()], 50):0.0}) via GET /api/v1/events/{{traceId}}"), F($"{bareP99:0.0} ms /healthz"), Verdict.Info,
            failures > 0 ? F($"{failures} lookups did not answer 200") : F($"{count} random events, one at a time")));
    }

    private async Task BreakdownsAsync(BenchContext context, string database, DatasetManifest manifest, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var options = new DbContextOptionsBuilder<SignpostDbContext>();
        options.UseSignpostSqlite($"Data Source={database};Mode=ReadOnly");
        var since = manifest.GeneratedAt.AddDays(-30);
        var practice = Guid.Parse(manifest.BigPracticeId);
        var version = await Commands.RunAsync("sqlite3", ["--version"], settings.RunRoot, cancellationToken: cancellationToken);
        version.EnsureSuccess("sqlite3");
        var cliVersion = version.Output.Split(' ')[0].Trim();

        foreach (var (label, organization, reps) in new[] { ("one practice", (Guid?)practice, settings.Pick(20, 5)), ("all practices", null, settings.Pick(5, 2)) })
        {
            string sql;
            await using (var db = new SignpostDbContext(options.Options))
            {
                sql = Breakdown(db, organization, since).ToQueryString();
            }

            await File.WriteAllTextAsync(Path.Combine(settings.RunRoot, $"breakdown-{label.Replace(' ', '-')}.sql"), sql, cancellationToken);

            var ef = new List<double>();
            var cli = new List<double>();
            var ado = new List<double>();
            using (var phase = ui.Start($"events: 30-day breakdown, {label}: EF Core vs sqlite3"))
            {
                // Warm each (and the page cache), then alternating blocks of each (Blocks). EF Core's side is this process's
                // code: for 3 s first, so its methods run compiled as a warm node runs them, not in the .NET tiered
                // compiler's first tier (bench/README.md, "Warm-up"); sqlite3's C is compiled ahead.
                var warming = Stopwatch.GetTimestamp();
                do
                {
                    await TimeEfAsync(options.Options, organization, since, 1, cancellationToken);
                }
                while (Stopwatch.GetElapsedTime(warming) < EfWarmUp);

                await TimeCliAsync(database, sql, 1, cancellationToken);
                TimeAdo(database, sql, 3);
                for (var block = 0; block < Blocks; block++)
                {
                    phase.Update((double)block / Blocks, F($"block {block + 1}: EF Core"));
                    ef.AddRange(await TimeEfAsync(options.Options, organization, since, reps, cancellationToken));
                    phase.Update((block + 0.5) / Blocks, F($"block {block + 1}: sqlite3"));
                    cli.AddRange(await TimeCliAsync(database, sql, reps, cancellationToken));
                    ado.AddRange(TimeAdo(database, sql, reps));
                }

                phase.Done(F($"EF Core {Stats.Median(ef):0.00} ms, sqlite3 {Stats.Median(cli):0.00} ms, Microsoft.Data.Sqlite {Stats.Median(ado):0.00} ms"));
            }

            var ratio = Stats.Median(ef) / Stats.Median(cli);
            var scope = organization is null ? "all practices" : F($"{manifest.BigPracticeSlug}, the biggest practice ({manifest.BigPracticeAccounts:N0} accounts)");
            report.Add(new Figure(Name, $"30-day root-cause breakdown, {label}: Signpost's data layer ÷ sqlite3 CLI", "≤ 1.5", ratio,
                F($"{Stats.Median(ef):0.00} ms EF Core"), F($"{Stats.Median(cli):0.00} ms sqlite3 {cliVersion} (same SQL, same file; its CPU time)"), Figure.AtMost(ratio, 1.5),
                F($"{scope}; median of {ef.Count}; no breakdown endpoint yet")));
            report.Add(new Figure(Name, $"— the same, Signpost's data layer ÷ the same SQL through Microsoft.Data.Sqlite, {label}", "(context)", Stats.Median(ef) / Stats.Median(ado),
                F($"{Stats.Median(ef):0.00} ms EF Core"), F($"{Stats.Median(ado):0.00} ms SQLite {SQLitePCL.raw.sqlite3_libversion().utf8_to_string()}, this process"), Verdict.Info,
                "EF Core's own cost, on the engine it runs on"));
        }
    }

    /// <summary>Alternating blocks of each way, so that a slow spell of the machine falls on both.</summary>
    private const int Blocks = 4;

    /// <summary>How long EF Core's breakdown runs untimed before it is measured (the full run; --quick too: it is short).</summary>
    private static readonly TimeSpan EfWarmUp = TimeSpan.FromSeconds(3);

    private static IQueryable<object> Breakdown(SignpostDbContext db, Guid? organization, DateTimeOffset since)
    {
        var events = db.SignInEvents.AsNoTracking().Where(e => !e.Succeeded && e.OccurredAt >= since);
        if (organization is { } id)
        {
            events = events.Where(e => e.OrganizationId == id);
        }

        return events.GroupBy(e => e.ReasonCode)
            .Select(g => new { Reason = g.Key, Count = g.Count() })
            .OrderByDescending(r => r.Count);
    }

    private static async Task<List<double>> TimeEfAsync(DbContextOptions<SignpostDbContext> options, Guid? organization, DateTimeOffset since, int reps, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        for (var i = 0; i < reps; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await using var db = new SignpostDbContext(options);
            var rows = await Breakdown(db, organization, since).ToListAsync(cancellationToken);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (rows.Count == 0)
            {
                throw new BenchException("The breakdown found no failures in the last 30 days of the data set: is it older than 30 days? Regenerate it.");
            }
        }

        return times;
    }

    /// <summary>One sqlite3 process runs the statement <paramref name="reps"/> times under <c>.timer on</c>; returns each run's wall time.</summary>
    private static async Task<List<double>> TimeCliAsync(string database, string sql, int reps, CancellationToken cancellationToken)
    {
        var (parameters, statement) = Parts(sql);
        var script = new StringBuilder();
        script.AppendLine(string.Join('\n', parameters));
        script.AppendLine(".timer on");
        for (var i = 0; i < reps; i++)
        {
            script.AppendLine(statement.TrimEnd(';') + ";");
        }

        var result = await Commands.RunAsync("sqlite3", ["-batch", "-readonly", database], Path.GetDirectoryName(database)!, standardInput: script.ToString(),
            cancellationToken: cancellationToken);
        result.EnsureSuccess("sqlite3");
        // "Run Time: real 0.001 user 0.000992 sys 0.000000": the wall time to the millisecond, the CPU to the microsecond.
        var times = result.Output.Split('\n')
            .Where(l => l.StartsWith("Run Time: real ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(w => (double.Parse(w[Array.IndexOf(w, "user") + 1], CultureInfo.InvariantCulture) + double.Parse(w[Array.IndexOf(w, "sys") + 1], CultureInfo.InvariantCulture)) * 1000)
            .ToList();
        if (times.Count != reps)
        {
            throw new BenchException($"sqlite3 printed {times.Count} timings for {reps} runs:\n{result.Output}\n{result.Error}");
        }

        return times;
    }

    /// <summary>The same SQL through Microsoft.Data.Sqlite on one open connection, as EF Core runs it but without EF Core.</summary>
    private static List<double> TimeAdo(string database, string sql, int reps)
    {
        var (parameters, statement) = Parts(sql);
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = statement;
        foreach (var line in parameters)
        {
            // ".param set @name value": an integer, or a text in single quotes.
            var parts = line[".param set ".Length..].Split(' ', 2);
            command.Parameters.AddWithValue(parts[0], parts[1].StartsWith('\'') ? parts[1].Trim('\'') : long.Parse(parts[1], CultureInfo.InvariantCulture));
        }

        var times = new List<double>(reps);
        for (var i = 0; i < reps; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                _ = reader.GetValue(0);
                _ = reader.GetValue(1);
            }

            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return times;
    }

    /// <summary><c>ToQueryString</c>'s text split into its <c>.param set</c> lines and the statement itself.</summary>
    private static (string[] Parameters, string Statement) Parts(string sql)
    {
        var lines = sql.Split('\n');
        return ([.. lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal))],
            string.Join('\n', lines.Where(l => !l.StartsWith(".param", StringComparison.Ordinal))).Trim());
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Signpost.Bench.Data;
using Signpost.Bench.Infrastructure;
using Signpost.Bench.Targets;
using Signpost.Data;
using Signpost.Data.Postgres;

namespace Signpost.Bench.Scenarios;

/// <summary>
/// The event store on PostgreSQL at the generated size: a PostgreSQL of the bench's own
/// (<see cref="PostgresTarget"/>), <c>signpost migrate</c>, the data set's rows copied in with <c>COPY</c> (timed: it
/// is part of what the full run costs), then the figures <see cref="EventStoreScenario"/> measures on SQLite:
/// <list type="bullet">
/// <item>30-day root-cause breakdown (failures by reason code, newest 30 days), for the biggest practice and for
/// all, through Signpost's data layer (<see cref="SignpostDbContext"/>, EF Core, Npgsql) ÷ the very SQL EF generated,
/// its parameters written in as literals, run by <c>psql</c> under <c>\timing</c>; alternating blocks, medians. Goal ≤ 1.5.</item>
/// <item>Trace-ID lookup: <c>GET /api/v1/events/{traceId}</c> from Signpost on PostgreSQL as a support agent,
/// alternating with <c>GET /healthz</c>; p99 ÷ p99 (context, as on SQLite).</item>
/// </list>
/// </summary>
internal sealed class PostgresScenario : IScenario
{
    public string Name => "postgres";

    public string Description => "30-day breakdowns on PostgreSQL ÷ the same SQL in psql (goal ≤ 1.5), and the trace-ID lookup, at 10 million events.";

    public async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var (folder, manifest) = await Scenarios.DatasetAsync(context, cancellationToken);
        var sqlite = DatasetManifest.DatabasePath(folder);
        await using var postgres = await LoadAsync(context, sqlite, manifest, Name, cancellationToken);
        await BreakdownsAsync(context, postgres, manifest, cancellationToken);
        await TraceLookupsAsync(context, postgres, sqlite, manifest, cancellationToken);
    }

    /// <summary>A PostgreSQL with Signpost's schema and the rows of <paramref name="sqlite"/> (read-only there); the load's time goes in the report.</summary>
    internal static async Task<PostgresTarget> LoadAsync(BenchContext context, string sqlite, DatasetManifest manifest, string scenario, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var postgres = await PostgresTarget.StartAsync(settings, cancellationToken);
        try
        {
            var started = Stopwatch.GetTimestamp();
            List<(string Table, long Rows, double Seconds)> tables;
            using (var phase = ui.Start(F($"{scenario}: PostgreSQL {Path.GetFileName(Path.GetDirectoryName(postgres.Bin))}, signpost migrate, COPY {manifest.Accounts:N0} accounts and {manifest.Events:N0} events")))
            {
                phase.Update(0.01, "signpost migrate");
                await postgres.MigrateAsync(settings, cancellationToken);
                tables = await postgres.CopyFromSqliteAsync(sqlite, phase, manifest.Events, cancellationToken);
                phase.Done(F($"{Stopwatch.GetElapsedTime(started).TotalSeconds:0} s"));
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (manifest.Events > 0)
            {
                report.Add(new Figure(scenario, F($"PostgreSQL load: signpost migrate and COPY of {manifest.Events:N0} events"), "(context)", seconds,
                    F($"{seconds:0} s in all"), "—", Verdict.Info, string.Join("; ", tables.Select(t => F($"{t.Table} {t.Rows:N0} rows {t.Seconds:0} s")))));
            }

            return postgres;
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    private async Task BreakdownsAsync(BenchContext context, PostgresTarget postgres, DatasetManifest manifest, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var options = new DbContextOptionsBuilder<SignpostDbContext>();
        options.UseSignpostPostgres(postgres.LongConnectionString);
        var since = manifest.GeneratedAt.AddDays(-30).ToUniversalTime();
        var practice = Guid.Parse(manifest.BigPracticeId);

        foreach (var (label, organization, reps) in new[] { ("one practice", (Guid?)practice, settings.Pick(20, 5)), ("all practices", null, settings.Pick(5, 2)) })
        {
            string sql;
            await using (var db = new SignpostDbContext(options.Options))
            {
                sql = Literal(Breakdown(db, organization, since).ToQueryString());
            }

            await File.WriteAllTextAsync(Path.Combine(settings.RunRoot, $"pg-breakdown-{label.Replace(' ', '-')}.sql"), sql, cancellationToken);
            var ef = new List<double>();
            var cli = new List<double>();
            using (var phase = ui.Start($"postgres: 30-day breakdown, {label}: EF Core vs psql"))
            {
                // Warm both (and the caches), then two alternating blocks of each.
                await TimeEfAsync(options.Options, organization, since, 1, cancellationToken);
                await postgres.TimePsqlAsync(sql, 1, cancellationToken);
                for (var block = 0; block < 2; block++)
                {
                    phase.Update(block / 2.0, F($"block {block + 1}: EF Core"));
                    ef.AddRange(await TimeEfAsync(options.Options, organization, since, reps, cancellationToken));
                    phase.Update((block + 0.5) / 2, F($"block {block + 1}: psql"));
                    cli.AddRange(await postgres.TimePsqlAsync(sql, reps, cancellationToken));
                }

                phase.Done(F($"EF Core {Stats.Median(ef):0.0} ms, psql {Stats.Median(cli):0.0} ms"));
            }

            var ratio = Stats.Median(ef) / Stats.Median(cli);
            var scope = organization is null ? "all practices" : F($"{manifest.BigPracticeSlug}, the biggest practice ({manifest.BigPracticeAccounts:N0} accounts)");
            report.Add(new Figure(Name, $"30-day root-cause breakdown on PostgreSQL, {label}: Signpost's data layer ÷ psql", "≤ 1.5", ratio,
                F($"{Stats.Median(ef):0.0} ms EF Core (Npgsql)"), F($"{Stats.Median(cli):0.0} ms psql \\timing (same SQL)"), Figure.AtMost(ratio, 1.5),
                F($"{scope}; median of {ef.Count}; {manifest.Events:N0} events")));
        }
    }

    /// <summary>The breakdown as <see cref="EventStoreScenario"/> asks it of SQLite.</summary>
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

    /// <summary>
    /// Npgsql's <c>ToQueryString</c> declares parameters as comments (<c>-- @since='…' (DbType = DateTime)</c>); psql gets
    /// them written into the statement as typed literals, which PostgreSQL plans as it plans Npgsql's unprepared
    /// parameters: with their values.
    /// </summary>
    internal static string Literal(string queryString)
    {
        var lines = queryString.Split('\n');
        var body = string.Join('\n', lines.Where(l => !l.StartsWith("-- @", StringComparison.Ordinal)));
        foreach (var line in lines.Where(l => l.StartsWith("-- @", StringComparison.Ordinal)))
        {
            var match = Regex.Match(line, @"^-- (@\w+)='(.*)'(?: \((?:DbType = (\w+))?[^)]*\))?\s*$");
            if (!match.Success)
            {
                throw new BenchException($"Cannot read the parameter line '{line}' of:\n{queryString}");
            }

            var cast = match.Groups[3].Value switch
            {
                "DateTime" or "DateTimeOffset" => "::timestamptz",
                "Guid" => "::uuid",
                _ => "",
            };
            var value = match.Groups[2].Value;
            if (cast == "" && Guid.TryParse(value, out _))
            {
                cast = "::uuid";
            }

            body = Regex.Replace(body, Regex.Escape(match.Groups[1].Value) + @"\b", "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'" + cast);
        }

        return body.Trim();
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
                throw new BenchException("The breakdown on PostgreSQL found no failures in the last 30 days: did the copy miss the events?");
            }
        }

        return times;
    }

    private async Task TraceLookupsAsync(BenchContext context, PostgresTarget postgres, string sqlite, DatasetManifest manifest, CancellationToken cancellationToken)
    {
        var (settings, ui, report) = context;
        var count = settings.Pick(1000, 200);
        var attempts = DiagnosisScenario.SampleFailures(sqlite, manifest, count + 20, seed: 99);

        var spec = SignpostTarget.Spec(settings, "unused", name: "signpost-postgres");
        var environment = new Dictionary<string, string>(spec.Environment);
        foreach (var (key, value) in postgres.SignpostEnvironment())
        {
            environment[key] = value;
        }

        await using var server = await ServerProcess.StartAsync(spec with { Environment = environment }, cancellationToken);
        using var client = Http.Client(server.BaseUri);
        var (session, _) = await SignpostTarget.SignInForCookiesAsync(client, DatasetManifest.SupportUsername, cancellationToken);
        var cookie = "sp_session=" + session;
        var lookups = new List<double>(count);
        var bare = new List<double>(count);
        var failures = 0;
        using (var phase = ui.Start($"postgres: {count} trace-ID lookups among {manifest.Events:N0} events"))
        {
            for (var i = -20; i < count; i++)
            {
                var (lookup, status) = await DiagnosisScenario.TimeAsync(client, $"/api/v1/events/{attempts[i + 20].TraceId}", cookie, cancellationToken);
                var (plain, _) = await DiagnosisScenario.TimeAsync(client, "/healthz", null, cancellationToken);
                if (i < 0)
                {
                    continue;
                }

                failures += status == 200 ? 0 : 1;
                lookups.Add(lookup);
                bare.Add(plain);
                if (i % 20 == 0)
                {
                    phase.Update((double)i / count, F($"{i} done"));
                }
            }

            phase.Done(F($"p99 {DiagnosisScenario.P(lookups, 99):0.0} ms; /healthz p99 {DiagnosisScenario.P(bare, 99):0.0} ms"));
        }

        var ratio = DiagnosisScenario.P(lookups, 99) / DiagnosisScenario.P(bare, 99);
        report.Add(new Figure(Name, F($"Trace-ID lookup on PostgreSQL p99 at {manifest.Events:N0} events ÷ bare endpoint p99"), "(context)", ratio,
            F($"{DiagnosisScenario.P(lookups, 99):0.0} ms (p50 {DiagnosisScenario.P(lookups, 50):0.0}) via GET /api/v1/events/{{traceId}}"),
            F($"{DiagnosisScenario.P(bare, 99):0.0} ms /healthz"), Verdict.Info,
            failures > 0 ? F($"{failures} lookups did not answer 200") : F($"{count} random failed attempts, one at a time")));
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using Signpost.Bench.Infrastructure;

namespace Signpost.Bench.Scenarios;

/// <summary>
/// Diagnosis latency p99 with 1 million accounts and 10 million events. The troubleshooter (issue 4) has
/// not landed: when it does, this scenario starts Signpost on the generated data set (see
/// <see cref="EventStoreScenario"/> for the pattern), asks for diagnoses of random trace IDs and accounts, and
/// divides their p99 by a bare endpoint's in the same process.
/// </summary>
internal sealed class DiagnosisScenario : IScenario
{
    public string Name => "diagnosis";

    public string Description => "Diagnosis latency p99 at 1 million accounts and 10 million events (waits for the troubleshooter, issue 4).";

    public Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        context.Report.Add(Figure.NotMeasured(Name, "Diagnosis latency p99 (1M accounts, 10M events)", "(to be set with issue 4)",
            "not measured yet: the troubleshooter (issue 4) has not landed"));
        return Task.CompletedTask;
    }
}

/// <summary>
/// The event-store figures on PostgreSQL. Issue 8 is still open; its provider (<c>Signpost:Database:Provider=PostgreSQL</c>)
/// arrived while this bench was being built. The next step here: start a PostgreSQL from the machine's
/// binaries as the PostgreSQL tests do, <c>signpost migrate</c> it, copy the generated rows in (sqlite3 -csv into
/// psql \copy), start Signpost on it, and divide the trace-ID lookup and the breakdowns by the same SQL
/// run by <c>psql</c> with <c>\timing</c>.
/// </summary>
internal sealed class PostgresScenario : IScenario
{
    public string Name => "postgres";

    public string Description => "Event-store figures on PostgreSQL (waits for PostgreSQL support, issue 8).";

    public Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        context.Report.Add(Figure.NotMeasured(Name, "Trace-ID lookup and 30-day breakdowns on PostgreSQL ÷ psql", "≤ 1.5",
            "not measured yet: PostgreSQL (issue 8) has not landed in full; its provider arrived during this work and is not wired into the bench"));
        return Task.CompletedTask;
    }
}

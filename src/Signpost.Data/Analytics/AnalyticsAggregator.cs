using Microsoft.EntityFrameworkCore;
using Signpost.Core.Analytics;
using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Data.Analytics;

/// <summary>
/// Adds new sign-in events to the daily analytics rows, a slice at a time behind two watermarks
/// (docs/analytics.md, "How the numbers are kept"): events once they are <see cref="Lag"/> old, failure
/// stories once their time-out has passed. Each slice's rows and its watermark are saved together, so a
/// slice is counted exactly once even when a run stops half-way. Run by one node at a time (its lease).
/// </summary>
public sealed class AnalyticsAggregator(SignpostDbContext db, TimeProvider time)
{
    /// <summary>How old an event must be before it is counted: an append in flight commits within it.</summary>
    public static readonly TimeSpan Lag = TimeSpan.FromMinutes(5);

    /// <summary>How much time one slice covers (one save).</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromDays(1);

    /// <summary>The shortest slice worth a save: a run right after another finds nothing to do.</summary>
    public static readonly TimeSpan MinimumSlice = TimeSpan.FromMinutes(1);

    private static readonly SignInMethod[] AttemptMethods = [.. Enum.GetValues<SignInMethod>().Where(FailureStoryTeller.IsAttempt)];

    /// <summary>Counts up to <paramref name="maxSlices"/> slices of each kind; returns how many it counted (0: caught up).</summary>
    public async Task<int> RunAsync(int maxSlices, CancellationToken cancellationToken)
    {
        var zones = await ZonesAsync(cancellationToken);
        var now = time.GetUtcNow();
        var events = await WatermarkAsync(AnalyticsWatermark.Events, now, cancellationToken);
        db.ChangeTracker.Clear();
        // Far behind (a first count, say), the slices leave the running totals alone and the run builds them once
        // from the daily rows when it has caught up (docs/analytics.md, "Catching up").
        var catchingUp = await CatchingUpAsync(events.Position, cancellationToken);
        if (!catchingUp)
        {
            await EnsureRankingAsync(events.Position, cancellationToken);
        }

        var window = AnalyticsFilter.DefaultFrom(DateOnly.FromDateTime(now.UtcDateTime));
        await MoveWindowAsync(window, cancellationToken);
        var done = 0;
        var caughtUp = false;
        for (var i = 0; i < maxSlices; i++)
        {
            if (!await CountEventsAsync(zones, now, window, runningTotals: !catchingUp, cancellationToken))
            {
                caughtUp = true;
                break;
            }

            done++;
        }

        if (catchingUp && caughtUp)
        {
            var (counted, _) = await WatermarksAsync(cancellationToken);
            await EnsureRankingAsync(counted!.Value, cancellationToken);
            await MoveWindowAsync(window, cancellationToken);
        }

        for (var i = 0; i < maxSlices && await CountStoriesAsync(zones, now, cancellationToken); i++)
        {
            done++;
        }

        return done;
    }

    /// <summary>Where the watermarks stand (null: nothing counted yet).</summary>
    public async Task<(DateTimeOffset? Events, DateTimeOffset? Stories)> WatermarksAsync(CancellationToken cancellationToken)
    {
        var marks = await db.Set<AnalyticsWatermark>().AsNoTracking().ToListAsync(cancellationToken);
        return (marks.FirstOrDefault(m => m.Name == AnalyticsWatermark.Events)?.Position,
            marks.FirstOrDefault(m => m.Name == AnalyticsWatermark.Stories)?.Position);
    }

    /// <summary>
    /// A run with more than this many events to count is <em>catching up</em> when the running totals are out of step
    /// already (a build is due anyway), or when it has more events to count than it has counted before (a first
    /// count): its slices skip the running totals, and it builds them from the daily rows once it has caught up
    /// (docs/analytics.md, "Catching up"). About four days of the bench's 10-million-event portal.
    /// </summary>
    public int CatchUpEvents { get; init; } = 100_000;

    /// <summary>Whether this run is catching up (<see cref="CatchUpEvents"/>); the counts are capped, so a run close behind pays one short index scan.</summary>
    private async Task<bool> CatchingUpAsync(DateTimeOffset counted, CancellationToken cancellationToken)
    {
        // Ordered before the limit (the events' time index; EF warns of a limit without an order, on the report's output).
        var ahead = db.SignInEvents.AsNoTracking().Where(e => e.OccurredAt >= counted).OrderBy(e => e.OccurredAt);
        if (await ahead.Take(CatchUpEvents + 1).CountAsync(cancellationToken) <= CatchUpEvents)
        {
            return false;
        }

        if (await db.Set<AnalyticsWatermark>().AsNoTracking().Where(w => w.Name == AnalyticsWatermark.Ranking).Select(w => (DateTimeOffset?)w.Position)
            .FirstOrDefaultAsync(cancellationToken) != counted)
        {
            return true;
        }

        var left = await ahead.CountAsync(cancellationToken);
        return await db.SignInEvents.AsNoTracking().Where(e => e.OccurredAt < counted).OrderByDescending(e => e.OccurredAt).Take(left).CountAsync(cancellationToken) < left;
    }

    private async Task<bool> CountEventsAsync(Zones zones, DateTimeOffset now, DateOnly window, bool runningTotals, CancellationToken cancellationToken)
    {
        var mark = await WatermarkAsync(AnalyticsWatermark.Events, now, cancellationToken);
        var end = await SliceEndAsync(mark.Position, now - Lag, db.SignInEvents, cancellationToken);
        if (end - mark.Position < MinimumSlice)
        {
            db.ChangeTracker.Clear();
            return false;
        }

        var events = await db.SignInEvents.AsNoTracking()
            .Where(e => e.OccurredAt >= mark.Position && e.OccurredAt < end)
            .Select(e => new { e.OccurredAt, e.OrganizationId, e.ReasonCode, e.Method, e.Succeeded, e.NetworkLabel, e.ClientIp })
            .ToListAsync(cancellationToken);

        var outcomes = new Dictionary<(DateOnly Day, Guid Organization, string Reason, SignInMethod Method), int>();
        var hours = new Dictionary<(DateOnly Day, Guid Organization, int Hour, ReasonCategory Category, SignInMethod Method), int>();
        var networks = new Dictionary<(DateOnly Day, Guid Organization, string Network, ReasonCategory Category, SignInMethod Method), int>();
        foreach (var e in events)
        {
            var organization = e.OrganizationId ?? Guid.Empty;
            var local = zones.Local(organization, e.OccurredAt);
            var day = DateOnly.FromDateTime(local.DateTime);
            var all = AnalyticsFilter.AllPractices;
            Add(outcomes, (day, organization, e.ReasonCode, e.Method), 1);
            Add(outcomes, (day, all, e.ReasonCode, e.Method), 1);
            if (e.Succeeded)
            {
                continue;
            }

            var category = CategoryOf(e.ReasonCode);
            var network = NetworkKey.Of(e.NetworkLabel, e.ClientIp);
            Add(hours, (day, organization, local.Hour, category, e.Method), 1);
            Add(hours, (day, all, local.Hour, category, e.Method), 1);
            Add(networks, (day, organization, network, category, e.Method), 1);
            Add(networks, (day, all, network, category, e.Method), 1);
        }

        // The slice's rows and its watermark in one transaction (exactly once, even when a run stops half-way); the
        // rows are added to by their keys in SQL, not read and tracked (docs/analytics.md, "How the numbers are kept").
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await UpsertAsync("AnalyticsOutcomeCounts", ["Day", "OrganizationId", "ReasonCode", "Method"], ["Count"],
            outcomes.Select(p => new object[] { p.Key.Day, p.Key.Organization, p.Key.Reason, p.Key.Method.ToString(), p.Value }), cancellationToken);
        if (runningTotals && await db.Set<AnalyticsWatermark>().FirstOrDefaultAsync(w => w.Name == AnalyticsWatermark.Ranking, cancellationToken) is { } ranking
            && ranking.Position == mark.Position)
        {
            await AddToRunningTotalsAsync(outcomes, window, cancellationToken);
            ranking.Position = end;
        }

        await UpsertAsync("AnalyticsHourCounts", ["Day", "OrganizationId", "Hour", "Category", "Method"], ["Failures"],
            hours.Select(p => new object[] { p.Key.Day, p.Key.Organization, p.Key.Hour, p.Key.Category.ToString(), p.Key.Method.ToString(), p.Value }), cancellationToken);
        // The heat map of a view without a category or method filter, already summed over both (docs/analytics.md, "Heat
        // maps already summed").
        var rollUp = AnalyticsFilter.AllPractices;
        var rolledHours = hours.Where(p => p.Key.Organization == rollUp).ToList();
        await UpsertAsync("AnalyticsHourTotals", ["Day", "Hour"], ["Failures"],
            SumBy(rolledHours, k => (k.Day, k.Hour)).Select(p => new object[] { p.Key.Day, p.Key.Hour, p.Value }), cancellationToken);
        await UpsertAsync("AnalyticsNetworkCounts", ["Day", "OrganizationId", "Network", "Category", "Method"], ["Failures"],
            networks.Select(p => new object[] { p.Key.Day, p.Key.Organization, p.Key.Network, p.Key.Category.ToString(), p.Key.Method.ToString(), p.Value }), cancellationToken);

        // The month roll-ups of all practices, from the same counts (docs/analytics.md, "Long ranges").
        await UpsertAsync("AnalyticsMonthOutcomes", ["Month", "ReasonCode", "Method"], ["Count"],
            SumBy(outcomes.Where(p => p.Key.Organization == rollUp), k => (MonthOf(k.Day), k.Reason, k.Method))
                .Select(p => new object[] { p.Key.Item1, p.Key.Reason, p.Key.Method.ToString(), p.Value }), cancellationToken);
        await UpsertAsync("AnalyticsMonthHours", ["Month", "Weekday", "Hour", "Category", "Method"], ["Failures"],
            SumBy(rolledHours, k => (MonthOf(k.Day), Weekday(k.Day), k.Hour, k.Category, k.Method))
                .Select(p => new object[] { p.Key.Item1, p.Key.Item2, p.Key.Hour, p.Key.Category.ToString(), p.Key.Method.ToString(), p.Value }), cancellationToken);
        await UpsertAsync("AnalyticsMonthHourTotals", ["Month", "Weekday", "Hour"], ["Failures"],
            SumBy(rolledHours, k => (MonthOf(k.Day), Weekday(k.Day), k.Hour)).Select(p => new object[] { p.Key.Item1, p.Key.Item2, p.Key.Hour, p.Value }), cancellationToken);
        await UpsertAsync("AnalyticsMonthNetworks", ["Month", "Network", "Category", "Method"], ["Failures"],
            SumBy(networks.Where(p => p.Key.Organization == rollUp), k => (MonthOf(k.Day), k.Network, k.Category, k.Method))
                .Select(p => new object[] { p.Key.Item1, p.Key.Network, p.Key.Category.ToString(), p.Key.Method.ToString(), p.Value }), cancellationToken);
        // Each practice's sign-ins per month, the sign-ins of the top practices over a long range (docs/analytics.md,
        // "Long ranges"): in every slice, catching up or not, so they are always in step with the daily rows.
        await UpsertAsync("AnalyticsPracticeMonthSignIns", ["OrganizationId", "Month", "Method"], ["SignIns"],
            SumBy(outcomes.Where(p => p.Key.Organization != rollUp && SuccessCodes.Contains(p.Key.Reason) && FailureStoryTeller.IsAttempt(p.Key.Method)),
                    k => (k.Organization, MonthOf(k.Day), k.Method))
                .Select(p => new object[] { p.Key.Organization, p.Key.Item2, p.Key.Method.ToString(), p.Value }), cancellationToken);

        mark.Position = end;
        await SaveAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Counts summed under a coarser key (a day's key by its month's, a category's and method's by none).</summary>
    private static Dictionary<TCoarse, int> SumBy<TKey, TCoarse>(IEnumerable<KeyValuePair<TKey, int>> counts, Func<TKey, TCoarse> coarser)
        where TCoarse : notnull
    {
        var sums = new Dictionary<TCoarse, int>();
        foreach (var (key, count) in counts)
        {
            Add(sums, coarser(key), count);
        }

        return sums;
    }

    /// <summary>The weekday of a day, Monday 0 (the heat map's rows).</summary>
    internal static int Weekday(DateOnly day) => Weekday(day.DayOfWeek);

    /// <summary>The heat map's row for a day of the week: 0 = Monday.</summary>
    internal static int Weekday(DayOfWeek day) => ((int)day + 6) % 7;

    private async Task<bool> CountStoriesAsync(Zones zones, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var mark = await WatermarkAsync(AnalyticsWatermark.Stories, now, cancellationToken);
        var timeOut = FailureStoryTeller.TimeOut;
        var end = await SliceEndAsync(mark.Position, now - timeOut - Lag, StoryStarts, cancellationToken);
        if (end - mark.Position < MinimumSlice)
        {
            db.ChangeTracker.Clear();
            return false;
        }

        // A story starting in the slice is decided by the day before it and told by the day after its start
        // (FailureStoryTeller's rules), so these events are all it needs.
        var (from, to) = (mark.Position - timeOut, end + timeOut);
        var accounts = await StoryStarts
            .Where(e => e.OccurredAt >= mark.Position && e.OccurredAt < end)
            .Select(e => e.AccountId!.Value).Distinct().ToListAsync(cancellationToken);

        var stories = new Dictionary<(DateOnly Day, Guid Organization, ReasonCategory Category, SignInMethod Method, StoryEnding Ending, RecoveryWay Way), (int Stories, long Seconds)>();
        if (accounts.Count > 0)
        {
            var contacts = (await db.Incidents.AsNoTracking().Where(i => i.CreatedAt >= from && i.CreatedAt <= to).ToListAsync(cancellationToken))
                .Select(HelpContact.From).ToList();
            var teller = new FailureStoryTeller(time);
            foreach (var chunk in accounts.Chunk(500))
            {
                var events = await db.SignInEvents.AsNoTracking()
                    .Where(e => e.AccountId != null && chunk.Contains(e.AccountId.Value) && e.OccurredAt >= from && e.OccurredAt <= to)
                    .ToListAsync(cancellationToken);
                foreach (var person in events.GroupBy(e => e.AccountId!.Value))
                {
                    foreach (var story in teller.Tell(person.Key, person, contacts))
                    {
                        if (story.StartedAt < mark.Position || story.StartedAt >= end)
                        {
                            continue;
                        }

                        var organization = story.OrganizationId ?? Guid.Empty;
                        var day = DateOnly.FromDateTime(zones.Local(organization, story.StartedAt).DateTime);
                        foreach (var key in new[] { (day, organization, story.Category, story.FirstMethod, story.Ending, story.Way), (day, AnalyticsFilter.AllPractices, story.Category, story.FirstMethod, story.Ending, story.Way) })
                        {
                            var (count, seconds) = stories.GetValueOrDefault(key);
                            stories[key] = (count + 1, seconds + (long)(story.TimeToRecover?.TotalSeconds ?? 0));
                        }
                    }
                }
            }
        }

        var monthStories = new Dictionary<(DateOnly Month, ReasonCategory Category, SignInMethod Method, StoryEnding Ending, RecoveryWay Way), (int Stories, long Seconds)>();
        foreach (var (k, told) in stories.Where(p => p.Key.Organization == AnalyticsFilter.AllPractices))
        {
            var key = (MonthOf(k.Day), k.Category, k.Method, k.Ending, k.Way);
            var (count, seconds) = monthStories.GetValueOrDefault(key);
            monthStories[key] = (count + told.Stories, seconds + told.Seconds);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await UpsertAsync("AnalyticsStoryCounts", ["Day", "OrganizationId", "Category", "Method", "Ending", "Way"], ["Stories", "SecondsToRecover"],
            stories.Select(p => new object[] { p.Key.Day, p.Key.Organization, p.Key.Category.ToString(), p.Key.Method.ToString(), p.Key.Ending.ToString(), p.Key.Way.ToString(), p.Value.Stories, p.Value.Seconds }),
            cancellationToken);
        await UpsertAsync("AnalyticsMonthStories", ["Month", "Category", "Method", "Ending", "Way"], ["Stories", "SecondsToRecover"],
            monthStories.Select(p => new object[] { p.Key.Month, p.Key.Category.ToString(), p.Key.Method.ToString(), p.Key.Ending.ToString(), p.Key.Way.ToString(), p.Value.Stories, p.Value.Seconds }),
            cancellationToken);

        mark.Position = end;
        await SaveAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>How many parameters one statement of <see cref="UpsertAsync"/> binds at most on PostgreSQL (it allows 65,535).</summary>
    private const int MaxParameters = 30_000;

    /// <summary>
    /// The same on SQLite, far below its limit of 32,766: SQLite finds a named parameter by a linear search of the
    /// statement's names, both when it parses the statement and when Microsoft.Data.Sqlite binds each value, so a
    /// statement's cost grows with the square of its parameters. At 30,000 a statement, binding and parsing were 85 %
    /// of a first count's time on the bench's 10-million-event database (docs/analytics.md, "How the numbers are kept").
    /// </summary>
    private const int MaxSqliteParameters = 500;

    /// <summary>
    /// How many parameters one statement of <see cref="UpsertAsync"/> binds at most; null, the provider's own
    /// (<see cref="MaxSqliteParameters"/>, <see cref="MaxParameters"/>). The contract tests set it low, so that a slice
    /// is written in many statements.
    /// </summary>
    public int? StatementParameters { get; init; }

    /// <summary>Whether the database is SQLite (its SQL and statement sizes differ from PostgreSQL's here).</summary>
    private bool OnSqlite => db.Database.ProviderName?.Contains("Sqlite", StringComparison.Ordinal) == true;

    /// <summary>How many rows one statement of <see cref="UpsertAsync"/> writes at most.</summary>
    private const int MaxRowsPerStatement = 2_000;

    /// <summary>
    /// Adds a slice's counts to their rows by key without reading them: <c>INSERT … ON CONFLICT (key) DO UPDATE SET
    /// count = count + excluded.count</c>, many rows a statement (both providers; each table's primary key is
    /// <paramref name="keys"/>). Each row is the key's values, then the counts', as stored (enums by name); the
    /// provider's type mappings bind them. Runs in the caller's transaction, which saves the watermark
    /// (docs/analytics.md, "How the numbers are kept").
    /// </summary>
    private async Task UpsertAsync(string table, string[] keys, string[] sums, IEnumerable<object[]> rows, CancellationToken cancellationToken)
    {
        var columns = keys.Length + sums.Length;
        var head = $"INSERT INTO \"{table}\" ({string.Join(", ", keys.Concat(sums).Select(c => $"\"{c}\""))}) VALUES ";
        var tail = $" ON CONFLICT ({string.Join(", ", keys.Select(c => $"\"{c}\""))}) DO UPDATE SET "
            + string.Join(", ", sums.Select(c => $"\"{c}\" = \"{table}\".\"{c}\" + excluded.\"{c}\""));
        var budget = StatementParameters ?? (OnSqlite ? MaxSqliteParameters : MaxParameters);
        foreach (var batch in rows.Chunk(Math.Max(1, Math.Min(MaxRowsPerStatement, budget / columns))))
        {
            var sql = new System.Text.StringBuilder(head, head.Length + tail.Length + (batch.Length * columns * 8));
            var parameters = new object[batch.Length * columns];
            var n = 0;
            foreach (var row in batch)
            {
                sql.Append(n == 0 ? "(" : ", (");
                for (var c = 0; c < columns; c++, n++)
                {
                    sql.Append(c == 0 ? "{" : ", {").Append(n).Append('}');
                    parameters[n] = row[c];
                }

                sql.Append(')');
            }

            await db.Database.ExecuteSqlRawAsync(sql.Append(tail).ToString(), parameters, cancellationToken);
        }
    }

    /// <summary>
    /// Makes the running totals of failures per practice (<see cref="AnalyticsPracticeRunningFailures"/>) agree with the
    /// daily rows counted up to <paramref name="counted"/>: nothing to do when the ranking watermark stands there;
    /// otherwise (the first run after the upgrade that brought them, or a run of an older version in between)
    /// they are built again from the daily rows, in SQL, a thousand practices per transaction — one practice's
    /// series depends on its own rows only, and only the holder of the job's lease writes daily rows. The
    /// watermark moves last, so a build that stops half-way is started again by the next run.
    /// </summary>
    private async Task EnsureRankingAsync(DateTimeOffset counted, CancellationToken cancellationToken)
    {
        var ranking = await db.Set<AnalyticsWatermark>().FirstOrDefaultAsync(w => w.Name == AnalyticsWatermark.Ranking, cancellationToken);
        if (ranking?.Position == counted)
        {
            db.ChangeTracker.Clear();
            return;
        }

        await db.Set<AnalyticsPracticeFailureTotal>().ExecuteDeleteAsync(cancellationToken);
        await db.Set<AnalyticsPracticeRunningFailures>().ExecuteDeleteAsync(cancellationToken);
        await db.Set<AnalyticsPracticeMonthFailures>().ExecuteDeleteAsync(cancellationToken);
        var practices = await db.Set<AnalyticsOutcomeCount>().AsNoTracking().Where(r => r.OrganizationId != AnalyticsFilter.AllPractices)
            .Select(r => r.OrganizationId).Distinct().OrderBy(o => o).ToListAsync(cancellationToken);
        var failures = string.Join(", ", FailureCodes.Order(StringComparer.Ordinal).Select(Literal));
        var category = "CASE \"ReasonCode\" " + string.Concat(FailureCodes.Order(StringComparer.Ordinal).Select(c => $"WHEN {Literal(c)} THEN {Literal(CategoryOf(c).ToString())} ")) + "END";
        const string Rows = "FROM \"AnalyticsOutcomeCounts\" WHERE \"OrganizationId\" >= {0} AND \"OrganizationId\" <= {1} AND \"OrganizationId\" <> {2} AND \"ReasonCode\" IN ";
        var running = $$"""
            INSERT INTO "AnalyticsPracticeRunningFailures" ("OrganizationId", "Category", "Method", "Day", "Failures")
            SELECT "OrganizationId", "Category", "Method", "Day", SUM(SUM("Count")) OVER (PARTITION BY "OrganizationId", "Category", "Method" ORDER BY "Day")
            FROM (
                SELECT "OrganizationId", '' AS "Category", '' AS "Method", "Day", "Count" {{Rows}} ({{failures}})
                UNION ALL SELECT "OrganizationId", {{category}}, '', "Day", "Count" {{Rows}} ({{failures}})
                UNION ALL SELECT "OrganizationId", '', "Method", "Day", "Count" {{Rows}} ({{failures}})
                UNION ALL SELECT "OrganizationId", {{category}}, "Method", "Day", "Count" {{Rows}} ({{failures}})
            ) AS k
            GROUP BY "OrganizationId", "Category", "Method", "Day"
            """;
        const string Totals = """
            INSERT INTO "AnalyticsPracticeFailureTotals" ("Category", "Method", "OrganizationId", "FirstDay", "LastDay", "Failures", "WindowStart", "BeforeWindow")
            SELECT "Category", "Method", "OrganizationId", MIN("Day"), MAX("Day"), MAX("Failures"), MIN("Day"), 0 FROM "AnalyticsPracticeRunningFailures"
            WHERE "OrganizationId" >= {0} AND "OrganizationId" <= {1}
            GROUP BY "Category", "Method", "OrganizationId"
            """;
        // A day's month (its first day): the day is text on SQLite, a date on PostgreSQL.
        var month = OnSqlite
            ? "substr(\"Day\", 1, 8) || '01'"
            : "CAST(date_trunc('month', \"Day\") AS date)";
        var months = $$"""
            INSERT INTO "AnalyticsPracticeMonthFailures" ("Category", "Method", "Month", "OrganizationId", "Failures")
            SELECT "Category", "Method", "Month", "OrganizationId", SUM("Count")
            FROM (
                SELECT "OrganizationId", '' AS "Category", '' AS "Method", {{month}} AS "Month", "Count" {{Rows}} ({{failures}})
                UNION ALL SELECT "OrganizationId", {{category}}, '', {{month}}, "Count" {{Rows}} ({{failures}})
                UNION ALL SELECT "OrganizationId", '', "Method", {{month}}, "Count" {{Rows}} ({{failures}})
                UNION ALL SELECT "OrganizationId", {{category}}, "Method", {{month}}, "Count" {{Rows}} ({{failures}})
            ) AS k
            GROUP BY "Category", "Method", "OrganizationId", "Month"
            """;
        foreach (var chunk in practices.Chunk(1000))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync(running, [chunk[0], chunk[^1], AnalyticsFilter.AllPractices], cancellationToken);
            await db.Database.ExecuteSqlRawAsync(Totals, [chunk[0], chunk[^1]], cancellationToken);
            await db.Database.ExecuteSqlRawAsync(months, [chunk[0], chunk[^1], AnalyticsFilter.AllPractices], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (ranking is null)
        {
            db.Add(new AnalyticsWatermark { Name = AnalyticsWatermark.Ranking, Position = counted });
        }
        else
        {
            ranking.Position = counted;
        }

        await SaveAsync(cancellationToken);
    }

    /// <summary>
    /// Keeps each series' failures before the first day of the default range (<see cref="AnalyticsPracticeFailureTotal.BeforeWindow"/>),
    /// so that the range most views ask for ranks without a look-up per practice: when the day moves (once a
    /// day), every series' total before it is read from its running totals, <see cref="MoveSlice"/> practices a
    /// statement. The practices to move are found by a read; each slice is a short write of its own: on SQLite one
    /// statement over every row held the write lock, and so every sign-in's event, for seconds at 20,000 practices
    /// (docs/analytics.md, "What a counted view reads"). Between slices a reader finds some series moved and some
    /// not; each row's total before its own window start stays right, and the ranking reads such rows one by one.
    /// </summary>
    private async Task MoveWindowAsync(DateOnly window, CancellationToken cancellationToken)
    {
        var stale = await db.Set<AnalyticsPracticeFailureTotal>().AsNoTracking().Where(t => t.WindowStart != window)
            .Select(t => t.OrganizationId).Distinct().ToListAsync(cancellationToken);
        var running = db.Set<AnalyticsPracticeRunningFailures>();
        var first = true;
        foreach (var slice in stale.Chunk(MoveSlice))
        {
            // On SQLite each slice holds the file's one write lock. Back to back, the next slice took it again before a
            // sign-in's write that waited for it woke up, so that write could wait out most of the move (over a second
            // at the bench's size). A pause longer than SQLite's busy handler ever sleeps lets it in between slices.
            if (!first && OnSqlite)
            {
                await Task.Delay(MovePause, cancellationToken);
            }

            first = false;
            await db.Set<AnalyticsPracticeFailureTotal>().Where(t => t.WindowStart != window && slice.Contains(t.OrganizationId)).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.BeforeWindow, t => running
                    .Where(r => r.OrganizationId == t.OrganizationId && r.Category == t.Category && r.Method == t.Method && r.Day < window)
                    .OrderByDescending(r => r.Day).Select(r => r.Failures).FirstOrDefault())
                .SetProperty(t => t.WindowStart, window), cancellationToken);
        }
    }

    /// <summary>
    /// How long <see cref="MoveWindowAsync"/> waits between two slices on SQLite: longer than SQLite's busy handler
    /// (<c>sqlite3_busy_timeout</c>, SqliteBusyWait) sleeps at a time, 100 ms at most, so a write waiting for the lock
    /// wakes while it is free (docs/analytics.md, "What a counted view reads").
    /// </summary>
    internal static readonly TimeSpan MovePause = TimeSpan.FromMilliseconds(110);

    /// <summary>Practices whose series one statement of <see cref="MoveWindowAsync"/> moves: about 7,700 series at the bench's size, a fraction of a second.</summary>
    public const int MoveSlice = 400;

    /// <summary>
    /// Adds a slice's failures to the practices' running totals (saved by the caller with the watermarks): a day's
    /// row starts from the total before it, and a count for a day before a series' newest row — a practice whose
    /// time zone moved west — is added to every later row too. Rows from the slice's first day on are read once.
    /// </summary>
    private async Task AddToRunningTotalsAsync(Dictionary<(DateOnly Day, Guid Organization, string Reason, SignInMethod Method), int> outcomes, DateOnly window, CancellationToken cancellationToken)
    {
        var deltas = new Dictionary<(Guid Organization, string Category, string Method), SortedDictionary<DateOnly, long>>();
        foreach (var ((day, organization, reason, method), count) in outcomes)
        {
            if (organization == AnalyticsFilter.AllPractices || !FailureCodes.Contains(reason))
            {
                continue;
            }

            var (c, m) = (CategoryOf(reason).ToString(), method.ToString());
            foreach (var key in new[] { (organization, "", ""), (organization, c, ""), (organization, "", m), (organization, c, m) })
            {
                var days = deltas.TryGetValue(key, out var found) ? found : deltas[key] = [];
                days[day] = days.GetValueOrDefault(day) + count;
            }
        }

        if (deltas.Count == 0)
        {
            return;
        }

        var first = deltas.Values.Min(d => d.Keys.First());
        var kinds = deltas.Keys.Select(k => (k.Category, k.Method)).Distinct().ToList();
        await AddToMonthsAsync(deltas, MonthOf(first), kinds, cancellationToken);
        var totals = new Dictionary<(Guid, string, string), AnalyticsPracticeFailureTotal>();
        var series = new Dictionary<(Guid, string, string), SortedList<DateOnly, AnalyticsPracticeRunningFailures>>();
        foreach (var chunk in deltas.Keys.Select(k => k.Organization).Distinct().Chunk(500))
        {
            foreach (var total in await db.Set<AnalyticsPracticeFailureTotal>().Where(t => chunk.Contains(t.OrganizationId)).ToListAsync(cancellationToken))
            {
                totals[(total.OrganizationId, total.Category, total.Method)] = total;
            }

            // One kind at a time: the running totals are keyed kind first (docs/analytics.md, "The practices with the most failures").
            foreach (var (category, method) in kinds)
            {
                foreach (var row in await db.Set<AnalyticsPracticeRunningFailures>()
                    .Where(r => r.Category == category && r.Method == method && chunk.Contains(r.OrganizationId) && r.Day >= first).ToListAsync(cancellationToken))
                {
                    var key = (row.OrganizationId, row.Category, row.Method);
                    (series.TryGetValue(key, out var rows) ? rows : series[key] = []).Add(row.Day, row);
                }
            }
        }

        foreach (var (key, days) in deltas)
        {
            var rows = series.TryGetValue(key, out var found) ? found : series[key] = [];
            if (!totals.TryGetValue(key, out var total))
            {
                total = new AnalyticsPracticeFailureTotal
                {
                    OrganizationId = key.Organization, Category = key.Category, Method = key.Method, FirstDay = days.Keys.First(), LastDay = days.Keys.First(), WindowStart = window,
                };
                db.Add(total);
            }

            foreach (var (day, count) in days)
            {
                if (!rows.ContainsKey(day))
                {
                    // The total before this day: the newest row before it in this slice's reach, else the database's.
                    var earlier = rows.Keys.Where(d => d < day).Select(d => (DateOnly?)d).LastOrDefault();
                    var before = day >= total.LastDay ? total.Failures
                        : earlier is { } e ? rows[e].Failures
                        : await db.Set<AnalyticsPracticeRunningFailures>().AsNoTracking()
                            .Where(r => r.OrganizationId == key.Organization && r.Category == key.Category && r.Method == key.Method && r.Day < day)
                            .OrderByDescending(r => r.Day).Select(r => r.Failures).FirstOrDefaultAsync(cancellationToken);
                    var row = new AnalyticsPracticeRunningFailures { OrganizationId = key.Organization, Category = key.Category, Method = key.Method, Day = day, Failures = before };
                    db.Add(row);
                    rows.Add(day, row);
                }

                foreach (var (_, row) in rows.Where(r => r.Key >= day))
                {
                    row.Failures += count;
                }

                total.Failures += count;
                total.BeforeWindow += day < total.WindowStart ? count : 0;
                total.FirstDay = day < total.FirstDay ? day : total.FirstDay;
                total.LastDay = day > total.LastDay ? day : total.LastDay;
            }
        }
    }

    /// <summary>
    /// Adds a slice's failures to the series' month rows (<see cref="AnalyticsPracticeMonthFailures"/>), read once from
    /// <paramref name="firstMonth"/> on, one kind at a time; saved by the caller with the watermarks.
    /// </summary>
    private async Task AddToMonthsAsync(Dictionary<(Guid Organization, string Category, string Method), SortedDictionary<DateOnly, long>> deltas,
        DateOnly firstMonth, List<(string Category, string Method)> kinds, CancellationToken cancellationToken)
    {
        var months = new Dictionary<(Guid, string, string, DateOnly), AnalyticsPracticeMonthFailures>();
        foreach (var chunk in deltas.Keys.Select(k => k.Organization).Distinct().Chunk(500))
        {
            foreach (var (category, method) in kinds)
            {
                foreach (var row in await db.Set<AnalyticsPracticeMonthFailures>()
                    .Where(r => r.Category == category && r.Method == method && r.Month >= firstMonth && chunk.Contains(r.OrganizationId)).ToListAsync(cancellationToken))
                {
                    months[(row.OrganizationId, row.Category, row.Method, row.Month)] = row;
                }
            }
        }

        foreach (var (key, days) in deltas)
        {
            foreach (var (day, count) in days)
            {
                var monthKey = (key.Organization, key.Category, key.Method, MonthOf(day));
                if (!months.TryGetValue(monthKey, out var row))
                {
                    row = new AnalyticsPracticeMonthFailures { OrganizationId = key.Organization, Category = key.Category, Method = key.Method, Month = MonthOf(day) };
                    db.Add(row);
                    months[monthKey] = row;
                }

                row.Failures += count;
            }
        }
    }

    internal static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);

    /// <summary>The failures a story can start at: failed attempts naming an account.</summary>
    private IQueryable<SignInEvent> StoryStarts =>
        db.SignInEvents.AsNoTracking().Where(e => !e.Succeeded && e.AccountId != null && AttemptMethods.Contains(e.Method));

    /// <summary>
    /// Where the slice from <paramref name="position"/> ends: a day after the next event that counts, never past
    /// <paramref name="until"/>. The stretch before that event is empty, so it goes into the slice for nothing: a
    /// run's budget is days that hold events, and an old event followed by weeks of quiet (an imported or
    /// made-up history, a node's first run) costs one slice, not a slice per empty day — which once left the
    /// newest day uncounted after a run (docs/analytics.md, "How the numbers are kept").
    /// </summary>
    private static async Task<DateTimeOffset> SliceEndAsync(DateTimeOffset position, DateTimeOffset until, IQueryable<SignInEvent> counted, CancellationToken cancellationToken)
    {
        var next = await counted.AsNoTracking().Where(e => e.OccurredAt >= position && e.OccurredAt < until)
            .OrderBy(e => e.OccurredAt).Select(e => (DateTimeOffset?)e.OccurredAt).FirstOrDefaultAsync(cancellationToken);
        return next is { } first ? Min(first + Slice, until) : until;
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>The watermark row, tracked; a new one starts at the oldest event (or now, when there is none).</summary>
    private async Task<AnalyticsWatermark> WatermarkAsync(string name, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Set<AnalyticsWatermark>().FirstOrDefaultAsync(w => w.Name == name, cancellationToken) is { } mark)
        {
            return mark;
        }

        var oldest = await db.SignInEvents.AsNoTracking().OrderBy(e => e.OccurredAt).Select(e => (DateTimeOffset?)e.OccurredAt).FirstOrDefaultAsync(cancellationToken);
        // Saved at once: "counted up to" then says the job has run, even before there is anything to count.
        db.Add(new AnalyticsWatermark { Name = name, Position = oldest ?? now - Lag });
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return await db.Set<AnalyticsWatermark>().FirstAsync(w => w.Name == name, cancellationToken);
    }

    private async Task<Zones> ZonesAsync(CancellationToken cancellationToken) =>
        new((await db.Organizations.AsNoTracking().Select(o => new { o.Id, o.TimeZone }).ToListAsync(cancellationToken))
            .ToDictionary(o => o.Id, o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc));

    /// <summary>The catalogue's failure codes: what "the practices with the most failures" counts.</summary>
    internal static readonly HashSet<string> FailureCodes = [.. ReasonCatalogue.All.Where(r => r.Category != ReasonCategory.Success).Select(r => r.Code)];

    /// <summary>The catalogue's success codes: of an attempt method, a successful sign-in.</summary>
    internal static readonly HashSet<string> SuccessCodes = [.. ReasonCatalogue.All.Where(r => r.Category == ReasonCategory.Success).Select(r => r.Code)];

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    internal static ReasonCategory CategoryOf(string code) => ReasonCatalogue.TryGet(code, out var reason) ? reason.Category : ReasonCategory.Request;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static void Add<TKey>(Dictionary<TKey, int> counts, TKey key, int count)
        where TKey : notnull => counts[key] = counts.GetValueOrDefault(key) + count;

    /// <summary>Each practice's time zone; UTC for attempts that named none.</summary>
    private sealed class Zones(Dictionary<Guid, TimeZoneInfo> zones)
    {
        public DateTimeOffset Local(Guid organization, DateTimeOffset at) =>
            TimeZoneInfo.ConvertTime(at, zones.GetValueOrDefault(organization) ?? TimeZoneInfo.Utc);
    }
}

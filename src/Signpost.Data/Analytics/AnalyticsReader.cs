using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Signpost.Core.Analytics;
using Signpost.Core.Reasons;

namespace Signpost.Data.Analytics;

/// <summary>
/// Reads a report from the daily aggregate rows: every query is over a range of days of small rows, never
/// over the sign-in events themselves (docs/analytics.md, "How the numbers are kept").
/// </summary>
public sealed class AnalyticsReader(SignpostDbContext db, AnalyticsReportCache? cache = null) : IAnalyticsReader
{
    /// <summary>How many practices and networks the "most failures" tables list.</summary>
    public const int Top = 10;

    /// <summary>The methods a person signs in by, whose successes count as sign-ins (<see cref="FailureStoryTeller.IsAttempt"/>).</summary>
    private static readonly List<Core.Events.SignInMethod> AttemptMethods = [.. Enum.GetValues<Core.Events.SignInMethod>().Where(FailureStoryTeller.IsAttempt)];

    public async Task<AnalyticsReport> ReadAsync(AnalyticsFilter filter, CancellationToken cancellationToken)
    {
        // The connection stays open for the whole read: EF Core otherwise opens and closes it around each statement, a
        // fortieth of a counted view's CPU on SQLite.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await ReadOpenAsync(filter, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<AnalyticsReport> ReadOpenAsync(AnalyticsFilter filter, CancellationToken cancellationToken)
    {
        // The aggregate rows change only when the job saves a slice, and a slice moves its watermark in the same
        // transaction: counts read under the same two watermarks are the same counts, so they are kept under
        // them (docs/analytics.md, "How fresh a view is"). Help requests, incidents, maintenance windows and
        // practice names are read fresh each time.
        var marks = await db.Set<AnalyticsWatermark>().AsNoTracking().Select(w => new { w.Name, w.Position }).ToListAsync(cancellationToken);
        var counted = marks.FirstOrDefault(m => m.Name == AnalyticsWatermark.Events)?.Position;
        var told = marks.FirstOrDefault(m => m.Name == AnalyticsWatermark.Stories)?.Position;
        // The running totals answer "the practices with the most failures" once they are in step with the daily rows.
        var ranked = counted is not null && marks.FirstOrDefault(m => m.Name == AnalyticsWatermark.Ranking)?.Position == counted;
        var counts = cache is null
            ? await CountAsync(filter, ranked, cancellationToken)
            : await cache.GetOrAddAsync((filter, counted, told), () => CountAsync(filter, ranked, cancellationToken));
        return await WithLiveFiguresAsync(filter, counts, counted, cancellationToken);
    }

    /// <summary>Everything of a report that comes from the daily rows, for one filter.</summary>
    private async Task<Counts> CountAsync(AnalyticsFilter filter, bool ranked, CancellationToken cancellationToken)
    {
        var (from, to, organization, category, method) = (filter.From, filter.To, filter.OrganizationId, filter.Category, filter.Method);
        var successCodes = ReasonCatalogue.All.Where(r => r.Category == ReasonCategory.Success).Select(r => r.Code).ToList();

        // One practice's rows, or the roll-up rows of all practices (AnalyticsFilter.AllPractices). A long range
        // of all practices reads its whole months from the month roll-ups and only the days of the part-months
        // at its edges from the daily rows (docs/analytics.md, "Long ranges"): the same events summed either way.
        var scope = organization ?? AnalyticsFilter.AllPractices;
        var outcomesOfEveryPractice = db.Set<AnalyticsOutcomeCount>().AsNoTracking().Where(r => r.Day >= from && r.Day <= to && r.OrganizationId != AnalyticsFilter.AllPractices);
        var (wholeFrom, wholeTo) = WholeMonths(from, to);
        var months = organization is null && filter.ByMonth && wholeFrom < wholeTo;
        (DateOnly First, DateOnly Last)[] spans = months
            ? [.. new[] { (from, wholeFrom.AddDays(-1)), (wholeTo, to) }.Where(s => s.Item1 <= s.Item2)]
            : [(from, to)];
        if (method is { } m)
        {
            outcomesOfEveryPractice = outcomesOfEveryPractice.Where(r => r.Method == m);
        }

        IQueryable<AnalyticsOutcomeCount> Outcomes(SignpostDbContext context, DateOnly first, DateOnly last) =>
            context.Set<AnalyticsOutcomeCount>().AsNoTracking().Where(r => r.Day >= first && r.Day <= last && r.OrganizationId == scope && (method == null || r.Method == method));
        IQueryable<AnalyticsHourCount> Hours(SignpostDbContext context, DateOnly first, DateOnly last) =>
            context.Set<AnalyticsHourCount>().AsNoTracking().Where(r => r.Day >= first && r.Day <= last && r.OrganizationId == scope && (method == null || r.Method == method) && (category == null || r.Category == category));
        IQueryable<AnalyticsNetworkCount> Networks(SignpostDbContext context, DateOnly first, DateOnly last) =>
            context.Set<AnalyticsNetworkCount>().AsNoTracking().Where(r => r.Day >= first && r.Day <= last && r.OrganizationId == scope && (method == null || r.Method == method) && (category == null || r.Category == category));
        IQueryable<AnalyticsStoryCount> Stories(SignpostDbContext context, DateOnly first, DateOnly last) =>
            context.Set<AnalyticsStoryCount>().AsNoTracking().Where(r => r.Day >= first && r.Day <= last && r.OrganizationId == scope && (method == null || r.Method == method) && (category == null || r.Category == category));
        IQueryable<AnalyticsMonthOutcome> MonthOutcomes(SignpostDbContext context) => context.Set<AnalyticsMonthOutcome>().AsNoTracking().Where(r => r.Month >= wholeFrom && r.Month < wholeTo && (method == null || r.Method == method));
        IQueryable<AnalyticsMonthHour> MonthHours(SignpostDbContext context) => context.Set<AnalyticsMonthHour>().AsNoTracking().Where(r => r.Month >= wholeFrom && r.Month < wholeTo && (method == null || r.Method == method) && (category == null || r.Category == category));
        IQueryable<AnalyticsMonthNetwork> MonthNetworks(SignpostDbContext context) => context.Set<AnalyticsMonthNetwork>().AsNoTracking().Where(r => r.Month >= wholeFrom && r.Month < wholeTo && (method == null || r.Method == method) && (category == null || r.Category == category));
        IQueryable<AnalyticsMonthStory> MonthStories(SignpostDbContext context) => context.Set<AnalyticsMonthStory>().AsNoTracking().Where(r => r.Month >= wholeFrom && r.Month < wholeTo && (method == null || r.Method == method) && (category == null || r.Category == category));

        // The five groups of reads below need nothing from each other. They run in two lanes of about equal length: one
        // beside the request on a context of its own (BesideAsync: the outcome rows, then the hours), one on the request's
        // (the practices' ranking, the stories, the networks): docs/analytics.md, "Reads side by side".
        // Per day (or whole month) and reason, with the count of attempts among them (the methods a person signs in by,
        // FailureStoryTeller.IsAttempt), which a success needs: a thousand rows at most whatever the number of practices.
        // Summed over the methods by the database, which halves the rows a view reads back (the reasons of a portal come
        // by two or three methods each).
        async Task<List<(DateOnly Day, string ReasonCode, int Count, int Attempts)>> OutcomesAsync(SignpostDbContext context)
        {
            var rows = new List<(DateOnly Day, string ReasonCode, int Count, int Attempts)>();
            foreach (var (first, last) in spans)
            {
                rows.AddRange((await Outcomes(context, first, last).GroupBy(r => new { r.Day, r.ReasonCode })
                    .Select(g => new { g.Key.Day, g.Key.ReasonCode, Count = g.Sum(r => r.Count), Attempts = g.Sum(r => AttemptMethods.Contains(r.Method) ? r.Count : 0) })
                    .ToListAsync(cancellationToken)).Select(r => (r.Day, r.ReasonCode, r.Count, r.Attempts)));
            }

            if (months)
            {
                rows.AddRange((await MonthOutcomes(context).GroupBy(r => new { r.Month, r.ReasonCode })
                    .Select(g => new { g.Key.Month, g.Key.ReasonCode, Count = g.Sum(r => r.Count), Attempts = g.Sum(r => AttemptMethods.Contains(r.Method) ? r.Count : 0) })
                    .ToListAsync(cancellationToken)).Select(r => (r.Month, r.ReasonCode, r.Count, r.Attempts)));
            }

            return rows;
        }

        async Task<List<(StoryEnding Ending, RecoveryWay Way, int Stories, long Seconds)>> StoriesAsync(SignpostDbContext context)
        {
            var rows = new List<(StoryEnding Ending, RecoveryWay Way, int Stories, long Seconds)>();
            foreach (var (first, last) in spans)
            {
                rows.AddRange((await Stories(context, first, last).GroupBy(r => new { r.Ending, r.Way })
                    .Select(g => new { g.Key.Ending, g.Key.Way, Stories = g.Sum(r => r.Stories), Seconds = g.Sum(r => r.SecondsToRecover) })
                    .ToListAsync(cancellationToken)).Select(r => (r.Ending, r.Way, r.Stories, r.Seconds)));
            }

            if (months)
            {
                rows.AddRange((await MonthStories(context).GroupBy(r => new { r.Ending, r.Way })
                    .Select(g => new { g.Key.Ending, g.Key.Way, Stories = g.Sum(r => r.Stories), Seconds = g.Sum(r => r.SecondsToRecover) })
                    .ToListAsync(cancellationToken)).Select(r => (r.Ending, r.Way, r.Stories, r.Seconds)));
            }

            return rows;
        }

        // The heat map. A view without a category or method filter reads the rows the job keeps already summed over
        // both: for 30 days 720 rows where the roll-up has about 6,000, for a year's whole months 2,000 where it has
        // 22,000 (docs/analytics.md, "Heat maps already summed"). Days are summed by weekday in the database, which
        // hands back at most 168 rows (reading a row back costs the server more than summing it there).
        var summed = organization is null && category is null && method is null;
        async Task<int[,]> HeatAsync(SignpostDbContext context)
        {
            var heat = new int[7, 24];
            if (summed)
            {
                foreach (var (first, last) in spans)
                {
                    foreach (var row in await context.Set<AnalyticsHourTotal>().AsNoTracking().Where(r => r.Day >= first && r.Day <= last)
                        .GroupBy(r => new { r.Day.DayOfWeek, r.Hour }).Select(g => new { g.Key.DayOfWeek, g.Key.Hour, Failures = g.Sum(r => r.Failures) }).ToListAsync(cancellationToken))
                    {
                        heat[AnalyticsAggregator.Weekday(row.DayOfWeek), row.Hour] += row.Failures;
                    }
                }

                if (months)
                {
                    foreach (var row in await context.Set<AnalyticsMonthHourTotal>().AsNoTracking().Where(r => r.Month >= wholeFrom && r.Month < wholeTo)
                        .GroupBy(r => new { r.Weekday, r.Hour }).Select(g => new { g.Key.Weekday, g.Key.Hour, Failures = g.Sum(r => r.Failures) }).ToListAsync(cancellationToken))
                    {
                        heat[row.Weekday, row.Hour] += row.Failures;
                    }
                }

                return heat;
            }

            foreach (var (first, last) in spans)
            {
                var hourRows = await Hours(context, first, last).GroupBy(r => new { r.Day.DayOfWeek, r.Hour }).Select(g => new { g.Key.DayOfWeek, g.Key.Hour, Failures = g.Sum(r => r.Failures) }).ToListAsync(cancellationToken);
                foreach (var row in hourRows)
                {
                    heat[AnalyticsAggregator.Weekday(row.DayOfWeek), row.Hour] += row.Failures;
                }
            }

            if (months)
            {
                var hourRows = await MonthHours(context).GroupBy(r => new { r.Weekday, r.Hour }).Select(g => new { g.Key.Weekday, g.Key.Hour, Failures = g.Sum(r => r.Failures) }).ToListAsync(cancellationToken);
                foreach (var row in hourRows)
                {
                    heat[row.Weekday, row.Hour] += row.Failures;
                }
            }

            return heat;
        }

        // The top networks: ranked by the database when one query answers; summed over its parts when a long range has several.
        async Task<List<(string Network, int Failures)>> NetworksAsync(SignpostDbContext context)
        {
            if (!months)
            {
                return [.. (await Networks(context, from, to).GroupBy(r => r.Network).Select(g => new { Network = g.Key, Failures = g.Sum(r => r.Failures) })
                    .OrderByDescending(r => r.Failures).ThenBy(r => r.Network).Take(Top).ToListAsync(cancellationToken)).Select(r => (r.Network, r.Failures))];
            }

            var parts = new List<(string Network, int Failures)>();
            foreach (var (first, last) in spans)
            {
                parts.AddRange((await Networks(context, first, last).GroupBy(r => r.Network).Select(g => new { Network = g.Key, Failures = g.Sum(r => r.Failures) })
                    .ToListAsync(cancellationToken)).Select(r => (r.Network, r.Failures)));
            }

            parts.AddRange((await MonthNetworks(context).GroupBy(r => r.Network).Select(g => new { Network = g.Key, Failures = g.Sum(r => r.Failures) })
                .ToListAsync(cancellationToken)).Select(r => (r.Network, r.Failures)));
            // Ordinal, as the database orders the keys (ASCII text) in the query above.
            return [.. parts.GroupBy(p => p.Network).Select(g => (Network: g.Key, Failures: g.Sum(p => p.Failures)))
                .OrderByDescending(r => r.Failures).ThenBy(r => r.Network, StringComparer.Ordinal).Take(Top)];
        }

        var besideRead = BesideAsync(async context => (Outcomes: await OutcomesAsync(context), Heat: await HeatAsync(context)), cancellationToken);

        var failureCodes = ReasonCatalogue.All.Where(r => r.Category != ReasonCategory.Success && (category is null || r.Category == category)).Select(r => r.Code).ToList();
        IReadOnlyList<PracticeFailures> practices;
        List<(StoryEnding Ending, RecoveryWay Way, int Stories, long Seconds)> storyRows;
        List<(string Network, int Failures)> networkRows;
        try
        {
            practices = organization is null
                ? await TopPracticesAsync(filter, ranked, outcomesOfEveryPractice, failureCodes, successCodes, spans, months ? (wholeFrom, wholeTo) : ((DateOnly, DateOnly)?)null, cancellationToken)
                : [];
            storyRows = await StoriesAsync(db);
            networkRows = await NetworksAsync(db);
        }
        finally
        {
            // Nothing is left running past this method, whatever failed: the lane beside ends before its context goes.
            await besideRead.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        var (outcomeRows, heat) = await besideRead;

        var signIns = outcomeRows.Where(r => successCodes.Contains(r.ReasonCode)).Sum(r => r.Attempts);
        var failures = outcomeRows.Where(r => !successCodes.Contains(r.ReasonCode))
            .Where(r => category is null || AnalyticsAggregator.CategoryOf(r.ReasonCode) == category).ToList();

        // The chart's points: each day, or each calendar month of a long range (the first and last maybe in part).
        var byPoint = failures.GroupBy(r => filter.ByMonth ? AnalyticsAggregator.MonthOf(r.Day) : r.Day).ToDictionary(g => g.Key,
            g => (IReadOnlyDictionary<ReasonCategory, int>)g.GroupBy(r => AnalyticsAggregator.CategoryOf(r.ReasonCode)).ToDictionary(c => c.Key, c => c.Sum(r => r.Count)));
        var days = Points(filter).Select(p => new CategoryDay(p.First, byPoint.GetValueOrDefault(p.Key) ?? new Dictionary<ReasonCategory, int>()) { LastDay = p.Last }).ToList();
        var reasons = failures.GroupBy(r => r.ReasonCode).Select(g => (g.Key, g.Sum(r => r.Count)))
            .OrderByDescending(r => r.Item2).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();

        var byEnding = Enum.GetValues<StoryEnding>().ToDictionary(e => e, e => storyRows.Where(r => r.Ending == e).Sum(r => r.Stories));
        var ways = Enum.GetValues<RecoveryWay>().Where(w => w != RecoveryWay.None)
            .ToDictionary(w => w, w => storyRows.Where(r => r.Ending == StoryEnding.RecoveredAlone && r.Way == w).Sum(r => r.Stories));
        var mean = Enum.GetValues<StoryEnding>().Where(e => e != StoryEnding.NotRecovered).ToDictionary(e => e, e =>
        {
            var (count, seconds) = (byEnding[e], storyRows.Where(r => r.Ending == e).Sum(r => r.Seconds));
            return count == 0 ? (TimeSpan?)null : TimeSpan.FromSeconds(Math.Round((double)seconds / count));
        });

        return new Counts(days, reasons, signIns, byEnding, ways, mean, heat, [.. networkRows.Select(r => new NetworkFailures(r.Network, r.Failures))], practices);
    }

    /// <summary>
    /// Runs <paramref name="read"/> on the thread pool on a context of its own, beside the request's reads: a counted
    /// view's reads are independent, and one after another they kept one core busy while the other idled
    /// (docs/analytics.md, "What a counted view reads"). The context has its own connection (a file's readers do not
    /// wait for each other in WAL mode; PostgreSQL takes one more from the pool): Signpost's contexts are configured
    /// with a connection string, never a shared connection object (DatabaseSetup).
    /// </summary>
    private Task<T> BesideAsync<T>(Func<SignpostDbContext, Task<T>> read, CancellationToken cancellationToken)
    {
        var options = (DbContextOptions<SignpostDbContext>)db.GetService<IDbContextOptions>();
        return Task.Run(async () =>
        {
            await using var context = new SignpostDbContext(options);
            // Opened once for the context's reads rather than by each of them.
            await context.Database.OpenConnectionAsync(cancellationToken);
            return await read(context);
        }, cancellationToken);
    }

    /// <summary>
    /// The calendar months lying wholly inside the range: from <c>First</c> (a month's first day) up to, not
    /// including, <c>End</c>; empty when <c>First</c> is not before <c>End</c>.
    /// </summary>
    internal static (DateOnly First, DateOnly End) WholeMonths(DateOnly from, DateOnly to) =>
        (from.Day == 1 ? from : AnalyticsAggregator.MonthOf(from).AddMonths(1),
         to.AddDays(1).Day == 1 ? to.AddDays(1) : AnalyticsAggregator.MonthOf(to));

    /// <summary>The chart's points: each day of the range, or each calendar month it touches, cut to the range.</summary>
    private static IEnumerable<(DateOnly Key, DateOnly First, DateOnly Last)> Points(AnalyticsFilter filter)
    {
        if (!filter.ByMonth)
        {
            for (var day = filter.From; day <= filter.To; day = day.AddDays(1))
            {
                yield return (day, day, day);
            }

            yield break;
        }

        for (var month = AnalyticsAggregator.MonthOf(filter.From); month <= filter.To; month = month.AddMonths(1))
        {
            var last = month.AddMonths(1).AddDays(-1);
            yield return (month, month < filter.From ? filter.From : month, last > filter.To ? filter.To : last);
        }
    }

    /// <summary>The report: the counts, and what is read fresh for every view.</summary>
    private async Task<AnalyticsReport> WithLiveFiguresAsync(AnalyticsFilter filter, Counts counts, DateTimeOffset? counted, CancellationToken cancellationToken)
    {
        var (from, to, organization) = (filter.From, filter.To, filter.OrganizationId);


        // Help requests, incidents and maintenance windows are few: read from their own tables over the
        // range's UTC days (a practice's local day differs from it by its offset at most).
        var (start, end) = (new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        var incidents = db.Incidents.AsNoTracking().Where(i => i.CreatedAt >= start && i.CreatedAt < end);
        if (organization is { } o)
        {
            incidents = incidents.Where(i => i.OrganizationId == o);
        }

        var raised = await incidents.Select(i => i.RuleId).ToListAsync(cancellationToken);
        var windows = await db.MaintenanceWindows.AsNoTracking()
            .Where(w => w.CancelledAt == null && w.StartsAt < end && w.EndsAt > start && (organization == null || w.OrganizationId == null || w.OrganizationId == organization))
            .OrderBy(w => w.StartsAt).Select(w => new MaintenanceSpan(w.StartsAt, w.ClosedAt ?? w.EndsAt, w.Message)).ToListAsync(cancellationToken);
        var practices = counts.Practices.Count == 0 ? [] : await NamedAsync(counts.Practices, cancellationToken);

        return new AnalyticsReport
        {
            Filter = filter,
            Days = counts.Days,
            Reasons = counts.Reasons,
            SignIns = counts.SignIns,
            Stories = counts.Stories,
            Ways = counts.Ways,
            MeanTimeToRecover = counts.MeanTimeToRecover,
            HelpRequests = raised.Count(r => r is null),
            Incidents = raised.Count(r => r is not null),
            Practices = practices,
            Networks = counts.Networks,
            HeatMap = counts.HeatMap,
            Maintenance = windows,
            CountedUpTo = counted,
        };
    }

    /// <summary>
    /// The practices with the most failures, ranked by the database; then their sign-ins. From the running totals
    /// when they are in step (two rows per practice at most: docs/analytics.md, "How the numbers are kept"), else
    /// summed from the daily rows. Their sign-ins are summed from their daily rows over <paramref name="spans"/>,
    /// and over the <paramref name="wholeMonths"/> of a long range from their month rows
    /// (<see cref="AnalyticsPracticeMonthSignIns"/>, docs/analytics.md, "Long ranges").
    /// </summary>
    private async Task<IReadOnlyList<PracticeFailures>> TopPracticesAsync(AnalyticsFilter filter, bool ranked, IQueryable<AnalyticsOutcomeCount> outcomes,
        List<string> failureCodes, List<string> successCodes, (DateOnly First, DateOnly Last)[] spans, (DateOnly First, DateOnly End)? wholeMonths,
        CancellationToken cancellationToken)
    {
        var top = ranked
            ? await RankedAsync(filter, cancellationToken)
            : (await outcomes.Where(r => failureCodes.Contains(r.ReasonCode)).GroupBy(r => r.OrganizationId)
                .Select(g => new { Organization = g.Key, Failures = g.Sum(r => r.Count) })
                .OrderByDescending(r => r.Failures).ThenBy(r => r.Organization).Take(Top).ToListAsync(cancellationToken))
                .Select(r => (r.Organization, Failures: (long)r.Failures)).ToList();
        var ids = top.Select(t => t.Organization).ToList();
        var ok = new Dictionary<Guid, int>();
        if (ids.Count > 0)
        {
            // Each span's days alone, not within the range's as well: given both, SQLite bounded its index read by the range's
            // last day rather than the span's, and read the whole year of the ten practices' rows for a part-month of a
            // long range (10 ms against 0.9 in sqlite3 on the bench's copy; docs/analytics.md, "Long ranges").
            var method = filter.Method;
            foreach (var (first, last) in spans)
            {
                foreach (var row in await db.Set<AnalyticsOutcomeCount>().AsNoTracking()
                    .Where(r => r.Day >= first && r.Day <= last && ids.Contains(r.OrganizationId) && successCodes.Contains(r.ReasonCode) && AttemptMethods.Contains(r.Method)
                        && (method == null || r.Method == method))
                    .GroupBy(r => r.OrganizationId).Select(g => new { Organization = g.Key, Count = g.Sum(r => r.Count) }).ToListAsync(cancellationToken))
                {
                    ok[row.Organization] = ok.GetValueOrDefault(row.Organization) + row.Count;
                }
            }

            if (wholeMonths is { } whole)
            {
                var (wholeFrom, wholeTo) = (whole.First, whole.End);
                foreach (var row in await db.Set<AnalyticsPracticeMonthSignIns>().AsNoTracking()
                    .Where(r => ids.Contains(r.OrganizationId) && r.Month >= wholeFrom && r.Month < wholeTo && (method == null || r.Method == method))
                    .GroupBy(r => r.OrganizationId).Select(g => new { Organization = g.Key, Count = g.Sum(r => r.SignIns) }).ToListAsync(cancellationToken))
                {
                    ok[row.Organization] = ok.GetValueOrDefault(row.Organization) + row.Count;
                }
            }
        }

        return [.. top.Select(t => new PracticeFailures(t.Organization, "", null, (int)t.Failures, ok.GetValueOrDefault(t.Organization)))];
    }

    /// <summary>
    /// The top practices from one kind of running totals, exactly, looking up only the practices that can still
    /// reach the top (docs/analytics.md, "The practices with the most failures"). Each practice's newest total
    /// bounds its failures in any range from above: its failures since the default range's first day when the
    /// range starts on or after that day, its failures before that day when the range ends before it, else all
    /// of them. Round one ranks exactly the <see cref="Candidates"/> practices with the largest bounds; its tenth
    /// is a floor for the true tenth, so round two ranks exactly every practice whose bound reaches that floor —
    /// a practice below it has fewer failures than ten others and cannot place, ties included. For any range but
    /// one starting at the window's start, round two also needs the practice's failures in the calendar months
    /// the range touches (<see cref="AnalyticsPracticeMonthFailures"/>, a month covered in part counting whole)
    /// to reach the floor: a second, tighter bound. Each round reads the kind's newest totals once and makes the
    /// two look-ups only for its candidates.
    /// </summary>
    private async Task<List<(Guid Organization, long Failures)>> RankedAsync(AnalyticsFilter filter, CancellationToken cancellationToken)
    {
        var (from, to) = (filter.From, filter.To);
        var (category, method) = (filter.Category?.ToString() ?? "", filter.Method?.ToString() ?? "");
        var series = db.Set<AnalyticsPracticeFailureTotal>().AsNoTracking().Where(t => t.Category == category && t.Method == method);
        var totals = series.Where(t => t.LastDay >= from && t.FirstDay <= to);
        // The job moves every series' window start at once, so a kind's series normally share one. A range starting on
        // or after every series' start bounds each by its failures since then; one ending before every start, by its
        // failures before; one starting before every start and ending on or after each, by all its failures. Each of
        // those is one expression for the whole kind, and an index holds the kind's series in each order, so round one
        // reads its twenty and stops. Otherwise (series with different starts) it sorts every practice of the kind by
        // the bound (docs/analytics.md, "What a counted view reads"). The oldest and newest starts are a seek each.
        var oldest = await series.MinAsync(t => (DateOnly?)t.WindowStart, cancellationToken);
        var newest = await series.MaxAsync(t => (DateOnly?)t.WindowStart, cancellationToken);
        // Round one's candidates with their bounds (written out again: EF cannot reuse a lambda inside a comparison).
        async Task<List<(Guid OrganizationId, long Bound)>> RoundOneAsync(DateOnly? earliest, DateOnly? latest) =>
            [.. (await ByBound(totals, from, to, earliest, latest)
                .Select(t => new { t.OrganizationId, Bound = t.WindowStart <= from ? t.Failures - t.BeforeWindow : to < t.WindowStart ? t.BeforeWindow : t.Failures })
                .Take(Candidates).ToListAsync(cancellationToken)).Select(b => (b.OrganizationId, b.Bound))];
        var order = OrderOf(from, to, oldest, newest);
        var bounded = await RoundOneAsync(oldest, newest);
        // The job moves window starts forward only, in slices. Every series' start during the read above lay between
        // the oldest before it and the newest after it: if the order chosen from the first still holds for those, it
        // was every series' bound; if a slice moved past it meanwhile, the round is read again by each series' own bound.
        if (order != Order.EachOwn && OrderOf(from, to, oldest, await series.MaxAsync(t => (DateOnly?)t.WindowStart, cancellationToken)) != order)
        {
            bounded = await RoundOneAsync(null, null);
        }

        var first = bounded.Select(b => b.OrganizationId).ToList();
        var ranked = await ExactAsync(totals.Where(t => first.Contains(t.OrganizationId)), filter, cancellationToken);
        // Fewer than ten with a failure in the range: any practice with one may still place.
        var floor = ranked.Count == Top ? Math.Max(ranked[^1].Failures, 1) : 1;
        // Round one's last bound is the largest of every practice it left out: below the floor, none of them can
        // place, and round two would find only round one's. So it is for the default range, where each bound is
        // the practice's exact count (docs/analytics.md, "The practices with the most failures").
        if (first.Count == Candidates && bounded[^1].Bound >= floor)
        {
            // Every range but the default is also bounded by the calendar months it touches (the default range's first
            // bound is exact, and round two does not run for it). A practice whose failures over the k months the range
            // touches reach the floor has at least floor ÷ k of them in one of those months: only the practices with such
            // a month can place, found by a short range of the month index each
            // (IX_AnalyticsPracticeMonthFailures_Category_Method_Month_Failures) rather than by summing the months of
            // every practice whose first bound reaches the floor; those left go through both bounds (docs/analytics.md,
            // "The practices with the most failures"). The month bound holds for every practice and range, so this takes
            // out only practices that could not place. A range inside the default range, such as the last week, needs it
            // most: its first bound is the practice's failures over the whole default range.
            var (fromMonth, toMonth) = (AnalyticsAggregator.MonthOf(from), AnalyticsAggregator.MonthOf(to));
            var months = db.Set<AnalyticsPracticeMonthFailures>().AsNoTracking();
            var touched = new List<DateOnly>();
            for (var month = fromMonth; month <= toMonth; month = month.AddMonths(1))
            {
                touched.Add(month);
            }

            var inOneMonth = (floor + touched.Count - 1) / touched.Count;
            var reaching = months.Where(m => m.Category == category && m.Method == method && touched.Contains(m.Month) && m.Failures >= inOneMonth).Select(m => m.OrganizationId);
            ranked = await ExactAsync(totals.Where(t => reaching.Contains(t.OrganizationId)
                && (t.WindowStart <= from ? t.Failures - t.BeforeWindow : to < t.WindowStart ? t.BeforeWindow : t.Failures) >= floor
                && (t.WindowStart == from
                    || months.Where(m => m.Category == t.Category && m.Method == t.Method && m.OrganizationId == t.OrganizationId && m.Month >= fromMonth && m.Month <= toMonth)
                        .Sum(m => m.Failures) >= floor)), filter, cancellationToken);
        }

        return ranked;
    }

    /// <summary>
    /// A kind's series by their bound for the range, largest first, then by practice, given the kind's oldest and
    /// newest window start. When the bound is one expression for every series (failures since the window start, before
    /// it, or all of them), the order is that of an index on the expression (migrations <c>AnalyticsRankingIndexes</c>
    /// and <c>AnalyticsRankingIndexesEveryRange</c>), so that reading the first few reads only those; else a sort.
    /// </summary>
    public static IOrderedQueryable<AnalyticsPracticeFailureTotal> ByBound(IQueryable<AnalyticsPracticeFailureTotal> totals, DateOnly from, DateOnly to, DateOnly? oldest, DateOnly? newest) =>
        OrderOf(from, to, oldest, newest) switch
        {
            Order.SinceWindow => totals.OrderByDescending(t => t.Failures - t.BeforeWindow).ThenBy(t => t.OrganizationId),
            Order.BeforeWindow => totals.OrderByDescending(t => t.BeforeWindow).ThenBy(t => t.OrganizationId),
            Order.AllFailures => totals.OrderByDescending(t => t.Failures).ThenBy(t => t.OrganizationId),
            _ => totals.OrderByDescending(t => t.WindowStart <= from ? t.Failures - t.BeforeWindow : to < t.WindowStart ? t.BeforeWindow : t.Failures).ThenBy(t => t.OrganizationId),
        };

    /// <summary>Which one expression bounds every series of a kind whose window starts lie from <paramref name="oldest"/> to <paramref name="newest"/>, if one does.</summary>
    private static Order OrderOf(DateOnly from, DateOnly to, DateOnly? oldest, DateOnly? newest) => (oldest, newest) switch
    {
        (_, { } latest) when latest <= from => Order.SinceWindow,
        ({ } earliest, _) when to < earliest => Order.BeforeWindow,
        ({ } earliest, { } latest) when from < earliest && latest <= to => Order.AllFailures,
        _ => Order.EachOwn,
    };

    private enum Order { SinceWindow, BeforeWindow, AllFailures, EachOwn }

    /// <summary>How many practices round one of <see cref="RankedAsync"/> ranks exactly.</summary>
    internal const int Candidates = 2 * Top;

    /// <summary>
    /// The top practices among <paramref name="candidates"/>: a practice's failures over the range are its total at
    /// the range's last day less its total before the first — its newest total when its last failure is in the
    /// range, none when its first is, the one the job keeps when the range starts where the default range does.
    /// </summary>
    private async Task<List<(Guid Organization, long Failures)>> ExactAsync(IQueryable<AnalyticsPracticeFailureTotal> candidates, AnalyticsFilter filter, CancellationToken cancellationToken)
    {
        var (from, to) = (filter.From, filter.To);
        var (category, method) = (filter.Category?.ToString() ?? "", filter.Method?.ToString() ?? "");
        var running = db.Set<AnalyticsPracticeRunningFailures>().AsNoTracking().Where(r => r.Category == category && r.Method == method);
        var top = await candidates
            .Select(t => new
            {
                t.OrganizationId,
                Failures = (t.LastDay <= to ? t.Failures
                        : running.Where(r => r.OrganizationId == t.OrganizationId && r.Day <= to).OrderByDescending(r => r.Day).Select(r => r.Failures).FirstOrDefault())
                    - (t.FirstDay >= from ? 0
                        : t.WindowStart == from ? t.BeforeWindow
                        : running.Where(r => r.OrganizationId == t.OrganizationId && r.Day < from).OrderByDescending(r => r.Day).Select(r => r.Failures).FirstOrDefault()),
            })
            .OrderByDescending(t => t.Failures).ThenBy(t => t.OrganizationId).Take(Top).ToListAsync(cancellationToken);
        // A practice whose failures all lie outside the range ranks below every one with a failure in it: dropped
        // here rather than in SQL, where the condition would repeat both look-ups.
        return [.. top.Where(t => t.Failures > 0).Select(t => (t.OrganizationId, t.Failures))];
    }

    /// <summary>The top practices with their names and slugs as they are now.</summary>
    private async Task<IReadOnlyList<PracticeFailures>> NamedAsync(IReadOnlyList<PracticeFailures> top, CancellationToken cancellationToken)
    {
        var ids = top.Select(t => t.OrganizationId).ToList();
        var names = await db.Organizations.AsNoTracking().Where(o => ids.Contains(o.Id)).Select(o => new { o.Id, o.Name, o.Slug }).ToDictionaryAsync(o => o.Id, cancellationToken);
        return [.. top.Select(t => names.TryGetValue(t.OrganizationId, out var n)
            ? t with { Name = n.Name, Slug = n.Slug }
            : t with { Name = t.OrganizationId == Guid.Empty ? "No single practice" : "Removed practice", Slug = null })];
    }

    /// <summary>What <see cref="CountAsync"/> reads from the daily rows (the top practices without their names).</summary>
    private sealed record Counts(
        IReadOnlyList<CategoryDay> Days,
        IReadOnlyList<(string ReasonCode, int Count)> Reasons,
        int SignIns,
        IReadOnlyDictionary<StoryEnding, int> Stories,
        IReadOnlyDictionary<RecoveryWay, int> Ways,
        IReadOnlyDictionary<StoryEnding, TimeSpan?> MeanTimeToRecover,
        int[,] HeatMap,
        IReadOnlyList<NetworkFailures> Networks,
        IReadOnlyList<PracticeFailures> Practices);

    public async Task<IReadOnlyList<LockedMember>> MostLockedAsync(Guid organizationId, DateTimeOffset since, int take, CancellationToken cancellationToken)
    {
        var top = await db.SignInEvents.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId && e.OccurredAt >= since && e.ReasonCode == ReasonCodes.AccountLocked && e.AccountId != null)
            .GroupBy(e => e.AccountId!.Value).Select(g => new { Account = g.Key, Refusals = g.Count() })
            .OrderByDescending(r => r.Refusals).ThenBy(r => r.Account).Take(take * 2).ToListAsync(cancellationToken);
        var ids = top.Select(t => t.Account).ToList();
        // Only the practice's own members: a lock refusal names the practice, but the person may have left it.
        var members = await db.Memberships.AsNoTracking().Where(m => m.OrganizationId == organizationId && ids.Contains(m.AccountId))
            .Join(db.Accounts.AsNoTracking(), m => m.AccountId, a => a.Id, (m, a) => new { a.Id, a.Username, a.DisplayName })
            .ToDictionaryAsync(a => a.Id, cancellationToken);
        return [.. top.Where(t => members.ContainsKey(t.Account)).Take(take)
            .Select(t => new LockedMember(t.Account, members[t.Account].Username, members[t.Account].DisplayName, t.Refusals))];
    }

    public async Task<IReadOnlyList<(Guid Id, string Slug, string Name)>?> PracticesAsync(int atMost, CancellationToken cancellationToken)
    {
        // Whether there are more than atMost is asked first: the database steps past atMost rows without handing them
        // back, where reading atMost + 1 of them to count them was about a tenth of a portal's analytics page
        // (docs/analytics.md, "How fresh a view is", its last paragraphs). Then, unordered with a limit, and sorted here.
        if (await db.Organizations.Skip(atMost).AnyAsync(cancellationToken))
        {
            return null;
        }

        var all = await db.Organizations.AsNoTracking().Select(o => new { o.Id, o.Slug, o.Name }).Take(atMost).ToListAsync(cancellationToken);
        return [.. all.OrderBy(o => o.Name, StringComparer.InvariantCulture).ThenBy(o => o.Slug, StringComparer.Ordinal).Select(o => (o.Id, o.Slug, o.Name))];
    }

    public async Task<(Guid Id, string Slug, string Name)?> PracticeAsync(string slug, CancellationToken cancellationToken) =>
        await db.Organizations.AsNoTracking().Where(o => o.Slug == slug).Select(o => new { o.Id, o.Slug, o.Name }).FirstOrDefaultAsync(cancellationToken) is { } o
            ? (o.Id, o.Slug, o.Name) : null;
}

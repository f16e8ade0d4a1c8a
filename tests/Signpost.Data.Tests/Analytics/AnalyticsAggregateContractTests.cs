using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Analytics;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Data;
using Signpost.Data.Analytics;
using Signpost.Data.Tests.Infrastructure;
using Signpost.Data.Tests.Stores;

namespace Signpost.Data.Tests.Analytics;

/// <summary>
/// The analytics job's daily rows, counted a slice at a time over several runs while new events arrive,
/// equal a direct count over the same events — and its failure stories, told a day-slice at a time, equal
/// the stories told over each person's whole history (docs/analytics.md, "How the numbers are kept").
/// </summary>
public sealed class AnalyticsAggregateContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private static readonly string[] Failures =
    [
        ReasonCodes.InvalidCredentials, ReasonCodes.InvalidCredentials, ReasonCodes.AccountLocked, ReasonCodes.PasswordExpired,
        ReasonCodes.MfaCodeInvalid, ReasonCodes.BrowserUnsupported, ReasonCodes.NetworkNotAllowed, ReasonCodes.MaintenanceWindow,
        ReasonCodes.SsoProviderUnreachable, ReasonCodes.StaleForm,
    ];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RunAsync_SlicesOverSeveralRuns_EqualADirectCountOverTheEvents(string provider)
    {
        // Arrange: two practices a few hours apart, a dozen people, two weeks of attempts, help on the way.
        var host = await StartAsync(provider);
        var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        var (east, west, people) = await ClinicsAsync(host, provider, start, "person", 12);

        var random = new Random(23);
        var firstWeek = Events(random, people, [east.Id, west.Id], start, start.AddDays(7));
        var secondWeek = Events(random, people, [east.Id, west.Id], start.AddDays(7), start.AddDays(14));
        await AddAsync(host, firstWeek, Help(firstWeek, start));

        // Act: runs of three slices at a time while the clock moves and the second week arrives.
        // (Events are appended as they happen: the first runs count up to where the second week begins.)
        time.SetUtcNow(start.AddDays(7) + AnalyticsAggregator.Lag);
        await RunUntilCaughtUpAsync(host, time);
        await AddAsync(host, secondWeek, Help(secondWeek, start.AddDays(7)));
        time.SetUtcNow(start.AddDays(16));
        // The second week with statements of two or three rows each: a slice's rows then span many statements,
        // as a busy day's do at the providers' own budgets (the first week fits one statement a table).
        await RunUntilCaughtUpAsync(host, time, statementParameters: 20);

        // Assert
        var all = await host.DbAsync(db => db.SignInEvents.AsNoTracking().ToListAsync());
        var incidents = await host.DbAsync(db => db.Incidents.AsNoTracking().ToListAsync());
        var zones = new Dictionary<Guid, TimeZoneInfo>
        {
            [east.Id] = TimeZoneInfo.FindSystemTimeZoneById(east.TimeZone),
            [west.Id] = TimeZoneInfo.FindSystemTimeZoneById(west.TimeZone),
            [Guid.Empty] = TimeZoneInfo.Utc,
        };
        DateOnly DayOf(Guid? organization, DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zones[organization ?? Guid.Empty]).DateTime);
        int HourOf(Guid? organization, DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zones[organization ?? Guid.Empty]).Hour;
        static ReasonCategory CategoryOf(string code) => ReasonCatalogue.Get(code).Category;

        var expectedOutcomes = all.GroupBy(e => (DayOf(e.OrganizationId, e.OccurredAt), e.OrganizationId ?? Guid.Empty, e.ReasonCode, e.Method))
            .Select(g => (g.Key, g.Count())).Order().ToList();
        var actualOutcomes = (await host.DbAsync(db => db.Set<AnalyticsOutcomeCount>().AsNoTracking().ToListAsync()))
            .Where(r => r.OrganizationId != AnalyticsFilter.AllPractices).Select(r => ((r.Day, r.OrganizationId, r.ReasonCode, r.Method), r.Count)).Order().ToList();
        Assert.Equal(expectedOutcomes, actualOutcomes);

        var failed = all.Where(e => !e.Succeeded).ToList();
        var expectedHours = failed.GroupBy(e => (DayOf(e.OrganizationId, e.OccurredAt), e.OrganizationId ?? Guid.Empty, HourOf(e.OrganizationId, e.OccurredAt), CategoryOf(e.ReasonCode), e.Method))
            .Select(g => (g.Key, g.Count())).Order().ToList();
        var actualHours = (await host.DbAsync(db => db.Set<AnalyticsHourCount>().AsNoTracking().ToListAsync()))
            .Where(r => r.OrganizationId != AnalyticsFilter.AllPractices).Select(r => ((r.Day, r.OrganizationId, r.Hour, r.Category, r.Method), r.Failures)).Order().ToList();
        Assert.Equal(expectedHours, actualHours);

        var expectedNetworks = failed.GroupBy(e => (DayOf(e.OrganizationId, e.OccurredAt), e.OrganizationId ?? Guid.Empty, NetworkKey.Of(e.NetworkLabel, e.ClientIp), CategoryOf(e.ReasonCode), e.Method))
            .Select(g => (g.Key, g.Count())).Order().ToList();
        var actualNetworks = (await host.DbAsync(db => db.Set<AnalyticsNetworkCount>().AsNoTracking().ToListAsync()))
            .Where(r => r.OrganizationId != AnalyticsFilter.AllPractices).Select(r => ((r.Day, r.OrganizationId, r.Network, r.Category, r.Method), r.Failures)).Order().ToList();
        Assert.Equal(expectedNetworks, actualNetworks);

        // Stories: told over each person's whole history, those the job has reached (started before its watermark).
        var (_, storiesUpTo) = await host.DbAsync(db => new AnalyticsAggregator(db, time).WatermarksAsync(CancellationToken.None));
        Assert.Equal(time.GetUtcNow() - FailureStoryTeller.TimeOut - AnalyticsAggregator.Lag, storiesUpTo);
        var contacts = incidents.Select(HelpContact.From).ToList();
        var told = all.GroupBy(e => e.AccountId!.Value)
            .SelectMany(g => new FailureStoryTeller(time).Tell(g.Key, g, contacts))
            .Where(s => s.StartedAt < storiesUpTo).ToList();
        var expectedStories = told.GroupBy(s => (DayOf(s.OrganizationId, s.StartedAt), s.OrganizationId ?? Guid.Empty, s.Category, s.FirstMethod, s.Ending, s.Way))
            .Select(g => (g.Key, g.Count(), g.Sum(s => (long)(s.TimeToRecover?.TotalSeconds ?? 0)))).Order().ToList();
        var actualStories = (await host.DbAsync(db => db.Set<AnalyticsStoryCount>().AsNoTracking().ToListAsync()))
            .Where(r => r.OrganizationId != AnalyticsFilter.AllPractices).Select(r => ((r.Day, r.OrganizationId, r.Category, r.Method, r.Ending, r.Way), r.Stories, r.SecondsToRecover)).Order().ToList();
        Assert.Equal(expectedStories, actualStories);

        // The roll-up rows of all practices are the practices' rows summed.
        var rolledOutcomes = expectedOutcomes.GroupBy(r => (r.Key.Item1, r.Key.ReasonCode, r.Key.Method)).Select(g => (g.Key, g.Sum(r => r.Item2))).Order().ToList();
        var actualRolledOutcomes = (await host.DbAsync(db => db.Set<AnalyticsOutcomeCount>().AsNoTracking().Where(r => r.OrganizationId == AnalyticsFilter.AllPractices).ToListAsync()))
            .Select(r => ((r.Day, r.ReasonCode, r.Method), r.Count)).Order().ToList();
        Assert.Equal(rolledOutcomes, actualRolledOutcomes);
        var rolledHours = expectedHours.GroupBy(r => (r.Key.Item1, r.Key.Item3, r.Key.Item4, r.Key.Method)).Select(g => (g.Key, g.Sum(r => r.Item2))).Order().ToList();
        var actualRolledHours = (await host.DbAsync(db => db.Set<AnalyticsHourCount>().AsNoTracking().Where(r => r.OrganizationId == AnalyticsFilter.AllPractices).ToListAsync()))
            .Select(r => ((r.Day, r.Hour, r.Category, r.Method), r.Failures)).Order().ToList();
        Assert.Equal(rolledHours, actualRolledHours);
        var rolledNetworks = expectedNetworks.GroupBy(r => (r.Key.Item1, r.Key.Item3, r.Key.Item4, r.Key.Method)).Select(g => (g.Key, g.Sum(r => r.Item2))).Order().ToList();
        var actualRolledNetworks = (await host.DbAsync(db => db.Set<AnalyticsNetworkCount>().AsNoTracking().Where(r => r.OrganizationId == AnalyticsFilter.AllPractices).ToListAsync()))
            .Select(r => ((r.Day, r.Network, r.Category, r.Method), r.Failures)).Order().ToList();
        Assert.Equal(rolledNetworks, actualRolledNetworks);
        var rolledStories = expectedStories.GroupBy(r => (r.Key.Item1, r.Key.Item3, r.Key.Item4, r.Key.Item5, r.Key.Item6)).Select(g => (g.Key, g.Sum(r => r.Item2), g.Sum(r => r.Item3))).Order().ToList();
        var actualRolledStories = (await host.DbAsync(db => db.Set<AnalyticsStoryCount>().AsNoTracking().Where(r => r.OrganizationId == AnalyticsFilter.AllPractices).ToListAsync()))
            .Select(r => ((r.Day, r.Category, r.Method, r.Ending, r.Way), r.Stories, r.SecondsToRecover)).Order().ToList();
        Assert.Equal(rolledStories, actualRolledStories);
        // The heat map's totals are the roll-up's hours summed over category and method, by day and by month.
        var hourTotals = expectedHours.GroupBy(r => (r.Key.Item1, r.Key.Item3)).Select(g => (g.Key, g.Sum(r => r.Item2))).Order().ToList();
        var actualHourTotals = (await host.DbAsync(db => db.Set<AnalyticsHourTotal>().AsNoTracking().ToListAsync()))
            .Select(r => ((r.Day, r.Hour), r.Failures)).Order().ToList();
        Assert.Equal(hourTotals, actualHourTotals);
        var monthHourTotals = expectedHours.GroupBy(r => (new DateOnly(r.Key.Item1.Year, r.Key.Item1.Month, 1), ((int)r.Key.Item1.DayOfWeek + 6) % 7, r.Key.Item3))
            .Select(g => (g.Key, g.Sum(r => r.Item2))).Order().ToList();
        var actualMonthHourTotals = (await host.DbAsync(db => db.Set<AnalyticsMonthHourTotal>().AsNoTracking().ToListAsync()))
            .Select(r => ((r.Month, r.Weekday, r.Hour), r.Failures)).Order().ToList();
        Assert.Equal(monthHourTotals, actualMonthHourTotals);

        // The running totals behind "the practices with the most failures", kept slice by slice while events
        // arrived, equal the daily rows summed; the ranking over ranges other than the default (before, across
        // and after the events, one day) and under each filter equals a direct count over the events.
        await AssertRunningTotalsAsync(host);
        await AssertMonthSignInsAsync(host);
        // A month on, the default range starts on 8 October, among the events: the job keeps each practice's
        // failures before it, and the ranking of that range (the one most views ask for) reads them.
        time.SetUtcNow(new DateTimeOffset(2026, 11, 6, 12, 0, 0, TimeSpan.Zero));
        await RunUntilCaughtUpAsync(host, time);
        await AssertRunningTotalsAsync(host);
        Assert.True(await host.DbAsync(db => db.Set<AnalyticsPracticeFailureTotal>().AllAsync(t => t.WindowStart == new DateOnly(2026, 10, 8))));
        Assert.True(await host.DbAsync(db => db.Set<AnalyticsPracticeFailureTotal>().AnyAsync(t => t.BeforeWindow > 0 && t.LastDay >= t.WindowStart)));
        var ranges = new[]
        {
            (new DateOnly(2026, 10, 8), new DateOnly(2026, 11, 6)),
            (new DateOnly(2026, 9, 1), new DateOnly(2026, 10, 31)), (new DateOnly(2026, 10, 4), new DateOnly(2026, 10, 9)),
            (new DateOnly(2026, 9, 1), new DateOnly(2026, 10, 2)), (new DateOnly(2026, 10, 12), new DateOnly(2026, 12, 31)), (new DateOnly(2026, 10, 8), new DateOnly(2026, 10, 8)),
        };
        var filters = new (ReasonCategory? Category, SignInMethod? Method)[] { (null, null), (ReasonCategory.Credentials, null), (ReasonCategory.Mfa, null), (null, SignInMethod.Api), (ReasonCategory.Credentials, SignInMethod.Password) };
        var (counted, _) = await host.DbAsync(db => new AnalyticsAggregator(db, time).WatermarksAsync(CancellationToken.None));
        Assert.Equal(counted, await host.DbAsync(db => db.Set<AnalyticsWatermark>().Where(w => w.Name == AnalyticsWatermark.Ranking).Select(w => (DateTimeOffset?)w.Position).SingleAsync()));
        foreach (var (from, to) in ranges)
        {
            foreach (var (category, method) in filters)
            {
                var inRange = all.Where(e => DayOf(e.OrganizationId, e.OccurredAt) >= from && DayOf(e.OrganizationId, e.OccurredAt) <= to && (method is null || e.Method == method)).ToList();
                var expectedPractices = inRange.Where(e => CategoryOf(e.ReasonCode) != ReasonCategory.Success && (category is null || CategoryOf(e.ReasonCode) == category))
                    .GroupBy(e => e.OrganizationId ?? Guid.Empty)
                    .Select(g => (g.Key, g.Count(), inRange.Count(e => (e.OrganizationId ?? Guid.Empty) == g.Key && CategoryOf(e.ReasonCode) == ReasonCategory.Success && FailureStoryTeller.IsAttempt(e.Method))))
                    .Order().ToList();
                var report = await host.DbAsync(db => new AnalyticsReader(db).ReadAsync(new AnalyticsFilter(from, to, null, category, method), CancellationToken.None));
                Assert.Equal(expectedPractices, report.Practices.Select(p => (p.OrganizationId, p.Failures, p.SignIns)).Order().ToList());
            }
        }

        Assert.Contains(all, e => !e.Succeeded && e.Method == SignInMethod.Api);

        // The arrangement is worth its name: every ending occurs, and more than one way of recovering alone.
        Assert.Equal(Enum.GetValues<StoryEnding>().Order(), told.Select(s => s.Ending).Distinct().Order());
        Assert.True(told.Where(s => s.Ending == StoryEnding.RecoveredAlone).Select(s => s.Way).Distinct().Count() >= 4);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReadAsync_LongRangesAcrossMonthsAndYears_EqualADirectCountOverTheEvents(string provider)
    {
        // Arrange: fifteen weeks of attempts from late November to early March, in two practices a few hours
        // apart (their local days and months differ from UTC's near midnight), counted by the job a day at a time.
        var host = await StartAsync(provider);
        var start = new DateTimeOffset(2025, 11, 20, 3, 0, 0, TimeSpan.Zero);
        var end = new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(end.AddDays(5));
        var (east, west, people) = await ClinicsAsync(host, provider, start, "long", 6);

        var events = Events(new Random(2312), people, [east.Id, west.Id], start, end);
        foreach (var e in events.Where((_, i) => i % 9 == 4))
        {
            e.ClientIp = $"10.{e.OccurredAt.Day % 3}.0.9";
        }

        await AddAsync(host, events, Help(events, end));
        for (var runs = 0; await host.DbAsync(db => new AnalyticsAggregator(db, time).RunAsync(AnalyticsJobSlices, CancellationToken.None)) > 0; runs++)
        {
            Assert.True(runs < 20, "The job never caught up.");
        }

        var zones = new Dictionary<Guid, TimeZoneInfo>
        {
            [east.Id] = TimeZoneInfo.FindSystemTimeZoneById(east.TimeZone),
            [west.Id] = TimeZoneInfo.FindSystemTimeZoneById(west.TimeZone),
            [Guid.Empty] = TimeZoneInfo.Utc,
        };
        DateTimeOffset Local(Guid? organization, DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zones[organization ?? Guid.Empty]);
        DateOnly DayOf(Guid? organization, DateTimeOffset at) => DateOnly.FromDateTime(Local(organization, at).DateTime);
        static ReasonCategory CategoryOf(string code) => ReasonCatalogue.Get(code).Category;
        var (_, storiesUpTo) = await host.DbAsync(db => new AnalyticsAggregator(db, time).WatermarksAsync(CancellationToken.None));
        var incidents = await host.DbAsync(db => db.Incidents.AsNoTracking().ToListAsync());
        var told = events.GroupBy(e => e.AccountId!.Value)
            .SelectMany(g => new FailureStoryTeller(time).Tell(g.Key, g, [.. incidents.Select(HelpContact.From)]))
            .Where(s => s.StartedAt < storiesUpTo).ToList();

        // Act and assert: ranges longer than the daily chart, with part-months at either edge, whole months only,
        // reaching past the events, crossing the new year; every figure under each filter, for all practices (whole
        // months from the month roll-ups) and for one practice (its daily rows).
        var ranges = new[]
        {
            (new DateOnly(2025, 11, 20), new DateOnly(2026, 3, 4)), (new DateOnly(2025, 11, 1), new DateOnly(2026, 2, 28)),
            (new DateOnly(2025, 10, 15), new DateOnly(2026, 3, 31)), (new DateOnly(2025, 12, 1), new DateOnly(2026, 3, 3)),
            (new DateOnly(2025, 11, 29), new DateOnly(2026, 3, 2)),
        };
        var filters = new (Guid? Organization, ReasonCategory? Category, SignInMethod? Method)[]
        {
            (null, null, null), (null, ReasonCategory.Credentials, null), (null, null, SignInMethod.Api), (null, ReasonCategory.Credentials, SignInMethod.Password),
            (east.Id, null, null), (west.Id, ReasonCategory.NetworkAndDevice, null),
        };
        foreach (var (from, to) in ranges)
        {
            foreach (var (organization, category, method) in filters)
            {
                var filter = new AnalyticsFilter(from, to, organization, category, method);
                Assert.True(filter.ByMonth);
                var report = await host.DbAsync(db => new AnalyticsReader(db).ReadAsync(filter, CancellationToken.None));
                var what = $"{from}–{to} {organization} {category} {method}";

                var inRange = events.Where(e => DayOf(e.OrganizationId, e.OccurredAt) >= from && DayOf(e.OrganizationId, e.OccurredAt) <= to
                    && (organization is null || e.OrganizationId == organization) && (method is null || e.Method == method)).ToList();
                var failed = inRange.Where(e => CategoryOf(e.ReasonCode) != ReasonCategory.Success && (category is null || CategoryOf(e.ReasonCode) == category)).ToList();

                // The chart: one point per calendar month the range touches, cut to the range.
                var points = new List<(DateOnly, DateOnly, string)>();
                for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
                {
                    var (first, last) = (month < from ? from : month, month.AddMonths(1).AddDays(-1) > to ? to : month.AddMonths(1).AddDays(-1));
                    var counts = failed.Where(e => DayOf(e.OrganizationId, e.OccurredAt) >= first && DayOf(e.OrganizationId, e.OccurredAt) <= last)
                        .GroupBy(e => CategoryOf(e.ReasonCode)).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}");
                    points.Add((first, last, string.Join(' ', counts)));
                }

                Assert.Equal(points, report.Days.Select(d => (d.Day, d.LastDay, string.Join(' ', d.Failures.Where(p => p.Value > 0).OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")))));
                Assert.Equal(failed.Count, report.Failures);
                Assert.Equal(failed.GroupBy(e => CategoryOf(e.ReasonCode)).ToDictionary(g => g.Key, g => g.Count()), report.CategoryTotals.Where(p => p.Value > 0).ToDictionary());
                Assert.Equal(failed.GroupBy(e => e.ReasonCode).Select(g => (g.Key, g.Count())).Order(), report.Reasons.Order());
                Assert.Equal(inRange.Count(e => CategoryOf(e.ReasonCode) == ReasonCategory.Success && FailureStoryTeller.IsAttempt(e.Method)), report.SignIns);

                var heat = new int[7, 24];
                foreach (var e in failed)
                {
                    var local = Local(e.OrganizationId, e.OccurredAt);
                    heat[((int)local.DayOfWeek + 6) % 7, local.Hour]++;
                }

                Assert.Equal(heat, report.HeatMap);
                Assert.Equal(failed.GroupBy(e => NetworkKey.Of(e.NetworkLabel, e.ClientIp)).Select(g => (g.Key, g.Count())).Order(),
                    report.Networks.Select(n => (n.Network, n.Failures)).Order());

                var stories = told.Where(s => DayOf(s.OrganizationId, s.StartedAt) >= from && DayOf(s.OrganizationId, s.StartedAt) <= to
                    && (organization is null || s.OrganizationId == organization) && (method is null || s.FirstMethod == method) && (category is null || s.Category == category)).ToList();
                Assert.Equal(Enum.GetValues<StoryEnding>().ToDictionary(e => e, e => stories.Count(s => s.Ending == e)), report.Stories);
                Assert.Equal(Enum.GetValues<RecoveryWay>().Where(w => w != RecoveryWay.None).ToDictionary(w => w, w => stories.Count(s => s.Ending == StoryEnding.RecoveredAlone && s.Way == w)), report.Ways);
                foreach (var ending in report.MeanTimeToRecover.Keys)
                {
                    var ended = stories.Where(s => s.Ending == ending).ToList();
                    var expected = ended.Count == 0 ? (TimeSpan?)null : TimeSpan.FromSeconds(Math.Round((double)ended.Sum(s => (long)(s.TimeToRecover?.TotalSeconds ?? 0)) / ended.Count));
                    Assert.True(expected == report.MeanTimeToRecover[ending], what);
                }

                if (organization is null)
                {
                    var expectedPractices = failed.GroupBy(e => e.OrganizationId ?? Guid.Empty)
                        .Select(g => (g.Key, g.Count(), inRange.Count(e => (e.OrganizationId ?? Guid.Empty) == g.Key && CategoryOf(e.ReasonCode) == ReasonCategory.Success && FailureStoryTeller.IsAttempt(e.Method))))
                        .Order().ToList();
                    Assert.Equal(expectedPractices, report.Practices.Select(p => (p.OrganizationId, p.Failures, p.SignIns)).Order().ToList());
                }
            }
        }

        // The practices' sign-ins per month (the top practices' sign-ins above, for the whole months) equal a direct
        // count over the events; the upgrade that brought them fills the same rows from the daily rows already kept.
        var expectedSignIns = events.Where(e => CategoryOf(e.ReasonCode) == ReasonCategory.Success && FailureStoryTeller.IsAttempt(e.Method))
            .GroupBy(e => (e.OrganizationId ?? Guid.Empty, new DateOnly(DayOf(e.OrganizationId, e.OccurredAt).Year, DayOf(e.OrganizationId, e.OccurredAt).Month, 1), e.Method))
            .Select(g => (g.Key, g.Count())).Order().ToList();
        async Task<List<((Guid, DateOnly, SignInMethod), int)>> MonthSignInsAsync() =>
            (await host.DbAsync(db => db.Set<AnalyticsPracticeMonthSignIns>().AsNoTracking().ToListAsync()))
                .Select(r => ((r.OrganizationId, r.Month, r.Method), r.SignIns)).Order().ToList();
        Assert.Equal(expectedSignIns, await MonthSignInsAsync());
        await AssertMonthSignInsAsync(host);
        // The heat map's totals (the unfiltered views' heat maps above) equal a direct count too, by local day and hour
        // and by local month, weekday and hour.
        var failures = events.Where(e => CategoryOf(e.ReasonCode) != ReasonCategory.Success).Select(e => Local(e.OrganizationId, e.OccurredAt)).ToList();
        var expectedTotals = failures.GroupBy(l => (DateOnly.FromDateTime(l.DateTime), l.Hour)).Select(g => $"day {g.Key.Item1} {g.Key.Hour} {g.Count()}")
            .Concat(failures.GroupBy(l => (new DateOnly(l.Year, l.Month, 1), ((int)l.DayOfWeek + 6) % 7, l.Hour)).Select(g => $"month {g.Key.Item1} {g.Key.Item2} {g.Key.Hour} {g.Count()}"))
            .Order().ToList();
        async Task<List<string>> TotalsAsync() =>
            [.. (await host.DbAsync(db => db.Set<AnalyticsHourTotal>().AsNoTracking().ToListAsync())).Select(r => $"day {r.Day} {r.Hour} {r.Failures}")
                .Concat((await host.DbAsync(db => db.Set<AnalyticsMonthHourTotal>().AsNoTracking().ToListAsync())).Select(r => $"month {r.Month} {r.Weekday} {r.Hour} {r.Failures}"))
                .Order()];
        Assert.Equal(expectedTotals, await TotalsAsync());
        // The upgrades that brought the month sign-ins and the heat map's totals fill the same rows from the rows already
        // kept: migrated back to before the first of them (which takes out both) and up again.
        var migrations = await host.DbAsync(db => Task.FromResult(db.Database.GetMigrations().ToList()));
        var before = migrations[migrations.FindIndex(m => m.EndsWith("_AnalyticsPracticeSignInMonths", StringComparison.Ordinal)) - 1];
        Assert.True(migrations.FindIndex(m => m.EndsWith("_AnalyticsHourTotals", StringComparison.Ordinal)) > migrations.IndexOf(before));
        await host.DbAsync(db => db.GetInfrastructure().GetRequiredService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(before));
        await host.DbAsync(db => db.Database.MigrateAsync());
        Assert.Equal(expectedSignIns, await MonthSignInsAsync());
        Assert.Equal(expectedTotals, await TotalsAsync());
        Assert.Equal(5, expectedSignIns.Select(r => r.Key.Item2).Distinct().Count());
        Assert.Contains(expectedSignIns, r => r.Key.Item3 == SignInMethod.Sso);

        // The arrangement is worth its name: failures in every month, in more than one network, and stories recovered alone.
        Assert.Equal(5, events.Where(e => !e.Succeeded).Select(e => (e.OccurredAt.Year, e.OccurredAt.Month)).Distinct().Count());
        Assert.True(events.Where(e => !e.Succeeded).Select(e => NetworkKey.Of(e.NetworkLabel, e.ClientIp)).Distinct().Count() >= 3);
        Assert.Contains(told, s => s.Ending == StoryEnding.RecoveredAlone);
        Assert.True(await host.DbAsync(db => db.Set<AnalyticsMonthHour>().CountAsync()) > 0);
    }

    /// <summary>The job's slices per run, as the job runs it.</summary>
    private const int AnalyticsJobSlices = 31;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReadAsync_OnePractice_CountsOnlyItsRowsAndDays(string provider)
    {
        var host = await StartAsync(provider);
        var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        var (east, west, people) = await ClinicsAsync(host, provider, start, "reader", 1, westZone: "America/New_York");
        var person = people[0];
        var noon = start.AddHours(16); // 12:00 in New York, a Thursday
        await AddAsync(host, [
            Event(person, east.Id, noon, ReasonCodes.InvalidCredentials, false),
            Event(person, east.Id, noon.AddMinutes(2), ReasonCodes.SignedIn, true),
            Event(person, west.Id, noon, ReasonCodes.NetworkNotAllowed, false),
            Event(person, east.Id, noon.AddDays(3), ReasonCodes.InvalidCredentials, false),
        ], []);
        time.SetUtcNow(start.AddDays(3));
        await RunUntilCaughtUpAsync(host, time);

        var report = await host.DbAsync(db => new AnalyticsReader(db).ReadAsync(new AnalyticsFilter(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 2), east.Id), CancellationToken.None));

        Assert.Equal((1, 1, 1), (report.Failures, report.SignIns, report.StoriesTotal));
        Assert.Equal(1.0, report.SelfServiceRate);
        Assert.Equal(TimeSpan.FromMinutes(2), report.MeanTimeToRecover[StoryEnding.RecoveredAlone]);
        Assert.Equal(1, report.HeatMap[3, 12]);
        Assert.Equal([(ReasonCodes.InvalidCredentials, 1)], report.Reasons);
        Assert.Equal([1, 0], report.Days.Select(d => d.Failures.GetValueOrDefault(ReasonCategory.Credentials)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RunAsync_RankingMissingOrBehind_IsBuiltFromTheDailyRowsThenKeptInStep(string provider)
    {
        // Arrange: a practice in New York with failures on 2 and 6 October (local), counted.
        var host = await StartAsync(provider);
        var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        var (east, _, people) = await ClinicsAsync(host, provider, start, "ranked", 1);
        var person = people[0];
        await AddAsync(host, [
            Event(person, east.Id, new DateTimeOffset(2026, 10, 2, 15, 0, 0, TimeSpan.Zero), ReasonCodes.InvalidCredentials, false),
            Event(person, east.Id, new DateTimeOffset(2026, 10, 6, 4, 30, 0, TimeSpan.Zero), ReasonCodes.NetworkNotAllowed, false), // 00:30 on the 6th in New York
        ], []);
        time.SetUtcNow(new DateTimeOffset(2026, 10, 6, 4, 50, 0, TimeSpan.Zero));
        await RunUntilCaughtUpAsync(host, time);

        // A database counted by the version before the running totals: daily rows, no ranking.
        await host.DbAsync(async db =>
        {
            await db.Set<AnalyticsPracticeRunningFailures>().ExecuteDeleteAsync();
            await db.Set<AnalyticsPracticeFailureTotal>().ExecuteDeleteAsync();
            await db.Set<AnalyticsWatermark>().Where(w => w.Name == AnalyticsWatermark.Ranking).ExecuteDeleteAsync();
        });

        // The practice moves west (Honolulu): its next failure, at 05:00 UTC, falls on the 5th, before its newest row.
        await host.DbAsync(db => db.Organizations.Where(o => o.Id == east.Id).ExecuteUpdateAsync(o => o.SetProperty(x => x.TimeZone, "Pacific/Honolulu")));
        await AddAsync(host, [Event(person, east.Id, new DateTimeOffset(2026, 10, 6, 5, 0, 0, TimeSpan.Zero), ReasonCodes.AccountLocked, false)], []);

        // Act: the next runs build the totals from the daily rows, move the default range's first day to
        // 10 October (a month on), then add the new failure — before that day, and before the newest row.
        time.SetUtcNow(new DateTimeOffset(2026, 11, 8, 0, 0, 0, TimeSpan.Zero));
        await RunUntilCaughtUpAsync(host, time);

        // Assert
        await AssertRunningTotalsAsync(host);
        var series = await host.DbAsync(db => db.Set<AnalyticsPracticeRunningFailures>().AsNoTracking()
            .Where(r => r.OrganizationId == east.Id && r.Category == "" && r.Method == "").OrderBy(r => r.Day).Select(r => new { r.Day, r.Failures }).ToListAsync());
        Assert.Equal([(new DateOnly(2026, 10, 2), 1L), (new DateOnly(2026, 10, 5), 2L), (new DateOnly(2026, 10, 6), 3L)], series.Select(r => (r.Day, r.Failures)));
        var marks = await host.DbAsync(db => db.Set<AnalyticsWatermark>().AsNoTracking().ToDictionaryAsync(w => w.Name, w => w.Position));
        Assert.Equal(marks[AnalyticsWatermark.Events], marks[AnalyticsWatermark.Ranking]);
        var everyFailure = await host.DbAsync(db => db.Set<AnalyticsPracticeFailureTotal>().AsNoTracking().SingleAsync(t => t.OrganizationId == east.Id && t.Category == "" && t.Method == ""));
        Assert.Equal((new DateOnly(2026, 10, 10), 3L), (everyFailure.WindowStart, everyFailure.BeforeWindow));
        foreach (var (from, to, failures) in new[] { (new DateOnly(2026, 10, 5), new DateOnly(2026, 10, 5), 1), (new DateOnly(2026, 10, 3), new DateOnly(2026, 10, 31), 2), (new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 6), 3) })
        {
            var report = await host.DbAsync(db => new AnalyticsReader(db).ReadAsync(new AnalyticsFilter(from, to), CancellationToken.None));
            Assert.Equal([(east.Id, failures)], report.Practices.Select(p => (p.OrganizationId, p.Failures)));
        }

        var defaultRange = await host.DbAsync(db => new AnalyticsReader(db).ReadAsync(new AnalyticsFilter(new DateOnly(2026, 10, 10), new DateOnly(2026, 11, 8)), CancellationToken.None));
        Assert.Empty(defaultRange.Practices);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReadAsync_TopPracticesOfAnyRange_EqualADirectCountWithTiesAtTheTenthPlace(string provider)
    {
        // Arrange: 32 practices in UTC whose ids differ in their last byte only, so the database orders them as
        // Guid does here. Twenty "loud" practices failed a lot before each range and a little inside it: the
        // largest bounds, ranked first, whose tenth sets the floor. Six have more failures inside the ranges but
        // smaller bounds (found only by the second round); three tie with the loud ones at the tenth place with
        // smaller ids and a bound equal to the floor (they must win the tie); three fall below the floor.
        var host = await StartAsync(provider);
        var now = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero); // the default range starts on 7 November
        var time = new FakeTimeProvider(now);
        var prefix = Guid.NewGuid().ToByteArray();
        Guid Id(int k)
        {
            var bytes = (byte[])prefix.Clone();
            bytes[15] = (byte)k;
            return new Guid(bytes);
        }

        var practices = Enumerable.Range(1, 32).Select(k => new Organization { Id = Id(k), Slug = $"p{k}-{provider}", Name = $"Practice {k}", TimeZone = "Etc/UTC", CreatedAt = now }).ToList();
        await host.DbAsync(async db =>
        {
            db.Organizations.AddRange(practices);
            await db.SaveChangesAsync();
        });
        var person = await host.AddAccountAsync($"ranks-{provider}");
        var events = new List<SignInEvent>();
        void Fail(int k, int month, int day, int count, string reason = ReasonCodes.InvalidCredentials, int year = 2026)
        {
            for (var i = 0; i < count; i++)
            {
                events.Add(Event(person, Id(k), new DateTimeOffset(year, month, day, 12, i % 60, 0, TimeSpan.Zero), reason, false));
            }
        }

        var tied = new[] { 1, 2, 3 };
        var loud = Enumerable.Range(4, 20).ToArray();
        var steady = Enumerable.Range(24, 6).ToArray();
        var below = Enumerable.Range(30, 3).ToArray();
        foreach (var k in loud)
        {
            Fail(k, 9, 15, 40);
            Fail(k, 10, 30, 3);
            Fail(k, 11, 10, 40);
            Fail(k, 11, 29, 2, ReasonCodes.MfaCodeInvalid);
            Fail(k, 12, 5, 1);
        }

        foreach (var (k, v) in steady.Zip([9, 8, 7, 6, 5, 4]))
        {
            Fail(k, 10, 31, v - 1);
            Fail(k, 11, 1, 1);
            Fail(k, 11, 30, v - 1);
            Fail(k, 12, 1, 1, ReasonCodes.MfaCodeInvalid);
        }

        foreach (var k in tied)
        {
            Fail(k, 10, 31, 2);
            Fail(k, 11, 1, 1);
            Fail(k, 11, 30, 1);
            Fail(k, 12, 1, 1);
        }

        foreach (var k in below)
        {
            Fail(k, 10, 29, 1);
            Fail(k, 11, 21, 1);
        }

        // Across the last year's end, the same arrangement by month bounds: the loud practices' December bound
        // (32) is the largest but they have 2 failures in the range; the tied ones' bound is that floor; the
        // ones below have a bound of 1 and are never counted.
        foreach (var k in loud)
        {
            Fail(k, 12, 10, 30, year: 2025);
            Fail(k, 12, 29, 2, year: 2025);
        }

        foreach (var (k, v) in steady.Zip([9, 8, 7, 6, 5, 4]))
        {
            Fail(k, 12, 31, v, year: 2025);
            Fail(k, 1, 1, 1, ReasonCodes.MfaCodeInvalid);
        }

        foreach (var k in tied)
        {
            Fail(k, 12, 30, 2, year: 2025);
        }

        foreach (var k in below)
        {
            Fail(k, 1, 2, 1);
        }

        await AddAsync(host, events, []);
        await RunUntilCaughtUpAsync(host, time);
        var (counted, _) = await host.DbAsync(db => new AnalyticsAggregator(db, time).WatermarksAsync(CancellationToken.None));
        Assert.Equal(counted, await host.DbAsync(db => db.Set<AnalyticsWatermark>().Where(w => w.Name == AnalyticsWatermark.Ranking).Select(w => (DateTimeOffset?)w.Position).SingleAsync()));

        // Act and assert: ranges before the default range's first day and after it, each across a month's end;
        // the default range; one day; all of it; and filters.
        var ranges = new[]
        {
            (new DateOnly(2026, 10, 28), new DateOnly(2026, 11, 3)), (new DateOnly(2026, 11, 20), new DateOnly(2026, 12, 4)),
            (new DateOnly(2026, 11, 7), new DateOnly(2026, 12, 6)), (new DateOnly(2026, 10, 31), new DateOnly(2026, 10, 31)),
            (new DateOnly(2026, 9, 1), new DateOnly(2026, 12, 6)), (new DateOnly(2026, 10, 30), new DateOnly(2026, 11, 30)),
            // Inside one month, across a year's end, inside January, and a year.
            (new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 29)), (new DateOnly(2025, 12, 28), new DateOnly(2026, 1, 3)),
            (new DateOnly(2026, 1, 2), new DateOnly(2026, 1, 31)), (new DateOnly(2025, 12, 7), new DateOnly(2026, 12, 6)),
            // Inside the default range and inside one month, as the last week is: the loud practices' bounds (their
            // failures since 7 November, the last on 5 December) are the largest but none of them failed in the range,
            // so round two runs with a floor of one and takes its candidates from December's month totals, where the nine
            // practices that did fail in it have exactly that one.
            (new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 4)),
        };
        var filters = new (ReasonCategory? Category, SignInMethod? Method)[] { (null, null), (ReasonCategory.Credentials, SignInMethod.Password), (ReasonCategory.Mfa, null) };
        foreach (var (from, to) in ranges)
        {
            foreach (var (category, method) in filters)
            {
                var expected = events
                    .Where(e => DateOnly.FromDateTime(e.OccurredAt.UtcDateTime) >= from && DateOnly.FromDateTime(e.OccurredAt.UtcDateTime) <= to)
                    .Where(e => (category is null || ReasonCatalogue.Get(e.ReasonCode).Category == category) && (method is null || e.Method == method))
                    .GroupBy(e => e.OrganizationId!.Value).Select(g => (g.Key, g.Count()))
                    .OrderByDescending(p => p.Item2).ThenBy(p => p.Key).Take(AnalyticsReader.Top).ToList();
                var report = await host.DbAsync(db => new AnalyticsReader(db).ReadAsync(new AnalyticsFilter(from, to, null, category, method), CancellationToken.None));
                Assert.Equal(expected, report.Practices.Select(p => (p.OrganizationId, p.Failures)).ToList());
            }
        }

        // The arrangement is worth its name: in the first two ranges the loud practices' tenth ties with the
        // three whose bound is the floor, and those three place ahead of it on their ids.
        foreach (var (from, to, floor) in new[]
        {
            (new DateOnly(2026, 10, 28), new DateOnly(2026, 11, 3), 3), (new DateOnly(2026, 11, 20), new DateOnly(2026, 12, 4), 2),
            (new DateOnly(2025, 12, 28), new DateOnly(2026, 1, 3), 2),
        })
        {
            var report = await host.DbAsync(db => new AnalyticsReader(db).ReadAsync(new AnalyticsFilter(from, to), CancellationToken.None));
            Assert.Equal([.. steady, .. tied, loud[0]], report.Practices.Select(p => (int)p.OrganizationId.ToByteArray()[15]));
            Assert.Equal(floor, report.Practices[^1].Failures);
        }

        // The upgrade that brought the month totals fills them from the running totals: the rows the job keeps.
        async Task<List<(Guid, string, string, DateOnly, long)>> MonthsAsync() =>
            (await host.DbAsync(db => db.Set<AnalyticsPracticeMonthFailures>().AsNoTracking().ToListAsync()))
                .Select(r => (r.OrganizationId, r.Category, r.Method, r.Month, r.Failures)).Order().ToList();
        var kept = await MonthsAsync();
        var migrations = await host.DbAsync(db => Task.FromResult(db.Database.GetMigrations().ToList()));
        var before = migrations[migrations.FindIndex(m => m.EndsWith("_AnalyticsMonths", StringComparison.Ordinal)) - 1];
        await host.DbAsync(db => db.GetInfrastructure().GetRequiredService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(before));
        await host.DbAsync(db => db.Database.MigrateAsync());
        Assert.Contains(kept, r => r.Item4.Year == 2025);
        Assert.Equal(kept, await MonthsAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RunAsync_NewDay_MovesEverySeriesWindowStart_AcrossSlicesOfPractices(string provider)
    {
        // Arrange: counted and ranked up to a minute ago, nothing new; the totals of more practices than one slice
        // moves, each with a running total before the new window start (k) and one inside it.
        var host = await StartAsync(provider);
        var now = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
        var window = AnalyticsFilter.DefaultFrom(DateOnly.FromDateTime(now.UtcDateTime));
        var practices = Enumerable.Range(0, (AnalyticsAggregator.MoveSlice * 2) + 7).Select(k => (Id: Guid.NewGuid(), Before: (long)k)).ToList();
        await host.DbAsync(async db =>
        {
            foreach (var name in new[] { AnalyticsWatermark.Events, AnalyticsWatermark.Stories, AnalyticsWatermark.Ranking })
            {
                db.Set<AnalyticsWatermark>().Add(new AnalyticsWatermark { Name = name, Position = now.AddMinutes(-1) });
            }

            foreach (var (id, before) in practices)
            {
                db.Set<AnalyticsPracticeFailureTotal>().Add(new AnalyticsPracticeFailureTotal
                {
                    OrganizationId = id, FirstDay = window.AddDays(-60), LastDay = window.AddDays(10), Failures = before + 100, WindowStart = window.AddDays(-1), BeforeWindow = 0,
                });
                db.Set<AnalyticsPracticeRunningFailures>().AddRange(
                    new AnalyticsPracticeRunningFailures { OrganizationId = id, Day = window.AddDays(-60), Failures = before },
                    new AnalyticsPracticeRunningFailures { OrganizationId = id, Day = window.AddDays(10), Failures = before + 100 });
            }

            await db.SaveChangesAsync();
        });

        // Act
        await RunUntilCaughtUpAsync(host, new FakeTimeProvider(now));

        // Assert: every series moved, each with its total before the window start.
        var totals = await host.DbAsync(db => db.Set<AnalyticsPracticeFailureTotal>().AsNoTracking().Select(t => new { t.OrganizationId, t.WindowStart, t.BeforeWindow }).ToListAsync());
        Assert.Equal(practices.Count, totals.Count);
        Assert.All(totals, t => Assert.Equal(window, t.WindowStart));
        Assert.Equal(practices.ToDictionary(p => p.Id, p => p.Before), totals.ToDictionary(t => t.OrganizationId, t => t.BeforeWindow));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Ranking_WhenEverySeriesSharesAWindowStart_ReadsItsFirstRowsFromAnIndex_NotEveryPractice(string provider)
    {
        // Arrange: one kind's totals for 2,000 practices, all moved to the same window start (as the job leaves them).
        var host = await StartAsync(provider);
        var window = new DateOnly(2026, 11, 7);
        await host.DbAsync(async db =>
        {
            for (var k = 0; k < 2_000; k++)
            {
                db.Set<AnalyticsPracticeFailureTotal>().Add(new AnalyticsPracticeFailureTotal
                {
                    OrganizationId = Guid.NewGuid(), Category = "", Method = "", FirstDay = new DateOnly(2025, 1, 1), LastDay = new DateOnly(2026, 12, 1),
                    Failures = 1_000 + k, WindowStart = window, BeforeWindow = (k * 7919) % 1_000,
                });
            }

            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync(provider == StoreHost.Sqlite ? "ANALYZE" : "ANALYZE \"AnalyticsPracticeFailureTotals\"");
        });

        // Act and assert: round one's read as AnalyticsReader sends it, for a range from the window start (the default
        // range), one wholly before it, and one across it (the last year). Each bound is one expression, and an index
        // gives its order: nothing sorts the kind's every row.
        foreach (var (from, to, index) in new[]
        {
            (window, new DateOnly(2026, 12, 6), "IX_AnalyticsPracticeFailureTotals_SinceWindow"),
            (new DateOnly(2026, 9, 9), new DateOnly(2026, 10, 8), "IX_AnalyticsPracticeFailureTotals_BeforeWindow"),
            (new DateOnly(2025, 12, 7), new DateOnly(2026, 12, 6), "IX_AnalyticsPracticeFailureTotals_Failures"),
        })
        {
            var plan = await PlanAsync(host, db => AnalyticsReader.ByBound(db.Set<AnalyticsPracticeFailureTotal>()
                .Where(t => t.Category == "" && t.Method == "" && t.LastDay >= from && t.FirstDay <= to), from, to, window, window).Take(AnalyticsReader.Top * 2));
            Assert.Contains(index, plan, StringComparison.Ordinal);
            Assert.DoesNotContain(provider == StoreHost.Sqlite ? "TEMP B-TREE" : "Sort", plan, StringComparison.Ordinal);
        }

        // With series of different starts the bound differs by series, and the kind's rows are sorted.
        var mixed = await PlanAsync(host, db => AnalyticsReader.ByBound(db.Set<AnalyticsPracticeFailureTotal>().Where(t => t.Category == "" && t.Method == ""),
            window, window.AddDays(29), window.AddDays(-1), window.AddDays(1)).Take(AnalyticsReader.Top * 2));
        Assert.Contains(provider == StoreHost.Sqlite ? "TEMP B-TREE" : "Sort", mixed, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RunAsync_FarBehind_SkipsTheRunningTotalsWhileTheReaderStaysExactThenBuildsThem(string provider)
    {
        // Arrange: two practices, a dozen people, two weeks of attempts, none counted; a job that counts "far behind"
        // from 50 events on (the shipped threshold is 100,000: the arrangement stays small).
        var host = await StartAsync(provider);
        var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start.AddDays(16));
        var (east, west, people) = await ClinicsAsync(host, provider, start, "behind", 12);

        var all = Events(new Random(29), people, [east.Id, west.Id], start, start.AddDays(14));
        await AddAsync(host, all, []);
        Assert.True(all.Count > 200);
        const int CatchUp = 50;

        // Act: one run of three slices, which leaves the job behind.
        Assert.True(await host.DbAsync(db => new AnalyticsAggregator(db, time) { CatchUpEvents = CatchUp }.RunAsync(3, CancellationToken.None)) >= 3);

        // Assert: no running totals were kept, the ranking watermark is not at the events one, and the reader's
        // practices with the most failures — from the daily rows while the running totals are out of step — equal a
        // direct count over the events counted so far (UTC days: the ranges are wide enough either way).
        var (counted, _) = await host.DbAsync(db => new AnalyticsAggregator(db, time).WatermarksAsync(CancellationToken.None));
        Assert.True(counted < start.AddDays(7));
        Assert.Equal(0, await host.DbAsync(db => db.Set<AnalyticsPracticeRunningFailures>().CountAsync()));
        Assert.NotEqual(counted, await host.DbAsync(db => db.Set<AnalyticsWatermark>().Where(w => w.Name == AnalyticsWatermark.Ranking).Select(w => (DateTimeOffset?)w.Position).FirstOrDefaultAsync()));
        await AssertPracticesAsync(all.Where(e => e.OccurredAt < counted).ToList());
        await AssertMonthSignInsAsync(host); // kept while catching up, unlike the running totals

        // Act: the runs that catch up, and build the running totals at the end.
        await RunUntilCaughtUpAsync(host, time, CatchUp);

        // Assert: the running totals equal the daily rows, the ranking watermark stands at the events one, and the
        // ranking from the running totals equals the direct count over every event.
        await AssertRunningTotalsAsync(host);
        var marks = await host.DbAsync(db => db.Set<AnalyticsWatermark>().AsNoTracking().ToDictionaryAsync(w => w.Name, w => w.Position));
        Assert.Equal(marks[AnalyticsWatermark.Events], marks[AnalyticsWatermark.Ranking]);
        Assert.Equal(time.GetUtcNow() - AnalyticsAggregator.Lag, marks[AnalyticsWatermark.Events]);
        Assert.True(await host.DbAsync(db => db.Set<AnalyticsPracticeFailureTotal>().AllAsync(t => t.WindowStart == AnalyticsFilter.DefaultFrom(new DateOnly(2026, 10, 17)))));
        await AssertPracticesAsync(all);
        await AssertMonthSignInsAsync(host);

        DateOnly DayOf(SignInEvent e) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.OccurredAt,
            e.OrganizationId is not { } o ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(o == east.Id ? east.TimeZone : west.TimeZone)).DateTime);

        async Task AssertPracticesAsync(List<SignInEvent> events)
        {
            foreach (var (from, to) in new[] { (new DateOnly(2026, 9, 25), new DateOnly(2026, 10, 31)), (new DateOnly(2026, 10, 2), new DateOnly(2026, 10, 4)) })
            {
                var expected = events.Where(e => DayOf(e) >= from && DayOf(e) <= to).Where(e => ReasonCatalogue.Get(e.ReasonCode).Category != ReasonCategory.Success)
                    .GroupBy(e => e.OrganizationId ?? Guid.Empty).Select(g => (g.Key, g.Count())).Order().ToList();
                var report = await host.DbAsync(db => new AnalyticsReader(db).ReadAsync(new AnalyticsFilter(from, to), CancellationToken.None));
                Assert.NotEmpty(expected);
                Assert.Equal(expected, report.Practices.Select(p => (p.OrganizationId, p.Failures)).Order().ToList());
            }
        }
    }

    /// <summary>Every practice's sign-ins per month and method (<see cref="AnalyticsPracticeMonthSignIns"/>) equal its daily rows' successful attempts summed by month.</summary>
    private static async Task AssertMonthSignInsAsync(StoreHost host)
    {
        var expected = (await host.DbAsync(db => db.Set<AnalyticsOutcomeCount>().AsNoTracking().Where(r => r.OrganizationId != AnalyticsFilter.AllPractices).ToListAsync()))
            .Where(r => ReasonCatalogue.Get(r.ReasonCode).Category == ReasonCategory.Success && FailureStoryTeller.IsAttempt(r.Method))
            .GroupBy(r => (r.OrganizationId, new DateOnly(r.Day.Year, r.Day.Month, 1), r.Method)).Select(g => (g.Key, g.Sum(r => r.Count))).Order().ToList();
        var actual = (await host.DbAsync(db => db.Set<AnalyticsPracticeMonthSignIns>().AsNoTracking().ToListAsync()))
            .Select(r => ((r.OrganizationId, r.Month, r.Method), r.SignIns)).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    /// <summary>Every practice's running totals and newest totals equal its daily rows' failures summed up to each day.</summary>
    private static async Task AssertRunningTotalsAsync(StoreHost host)
    {
        var failureCodes = ReasonCatalogue.All.Where(r => r.Category != ReasonCategory.Success).Select(r => r.Code).ToHashSet();
        var daily = (await host.DbAsync(db => db.Set<AnalyticsOutcomeCount>().AsNoTracking().Where(r => r.OrganizationId != AnalyticsFilter.AllPractices).ToListAsync()))
            .Where(r => failureCodes.Contains(r.ReasonCode)).ToList();
        var expected = daily
            .SelectMany(r => new (Guid OrganizationId, string Category, string Method, DateOnly Day, int Count)[]
            {
                (r.OrganizationId, "", "", r.Day, r.Count),
                (r.OrganizationId, ReasonCatalogue.Get(r.ReasonCode).Category.ToString(), "", r.Day, r.Count),
                (r.OrganizationId, "", r.Method.ToString(), r.Day, r.Count),
                (r.OrganizationId, ReasonCatalogue.Get(r.ReasonCode).Category.ToString(), r.Method.ToString(), r.Day, r.Count),
            })
            .GroupBy(r => (r.OrganizationId, r.Category, r.Method))
            .SelectMany(g =>
            {
                var sum = 0L;
                return g.GroupBy(r => r.Day).OrderBy(d => d.Key).Select(d => (g.Key.OrganizationId, g.Key.Category, g.Key.Method, d.Key, sum += d.Sum(r => r.Count))).ToList();
            })
            .Order().ToList();
        var actual = (await host.DbAsync(db => db.Set<AnalyticsPracticeRunningFailures>().AsNoTracking().ToListAsync()))
            .Select(r => (r.OrganizationId, r.Category, r.Method, r.Day, r.Failures)).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);

        var expectedTotals = expected.GroupBy(r => (r.OrganizationId, r.Category, r.Method))
            .Select(g => (g.Key.OrganizationId, g.Key.Category, g.Key.Method, g.Min(r => r.Key), g.Max(r => r.Key), g.Max(r => r.Item5))).Order().ToList();
        var totals = await host.DbAsync(db => db.Set<AnalyticsPracticeFailureTotal>().AsNoTracking().ToListAsync());
        var actualTotals = totals.Select(t => (t.OrganizationId, t.Category, t.Method, t.FirstDay, t.LastDay, t.Failures)).Order().ToList();
        Assert.Equal(expectedTotals, actualTotals);

        // Each series' failures before the default range's first day, kept for the ranking of that range.
        var expectedBefore = totals.Select(t => (t.OrganizationId, t.Category, t.Method, t.WindowStart,
            expected.Where(r => (r.OrganizationId, r.Category, r.Method) == (t.OrganizationId, t.Category, t.Method) && r.Key < t.WindowStart).Select(r => r.Item5).DefaultIfEmpty(0).Max())).Order().ToList();
        Assert.Equal(expectedBefore, totals.Select(t => (t.OrganizationId, t.Category, t.Method, t.WindowStart, t.BeforeWindow)).Order().ToList());

        // Each series' failures per calendar month, the ranking's bounds: the daily rows summed by month.
        var expectedMonths = expected.GroupBy(r => (r.OrganizationId, r.Category, r.Method))
            .SelectMany(g => g.GroupBy(r => new DateOnly(r.Key.Year, r.Key.Month, 1)).Select(m =>
                (g.Key.OrganizationId, g.Key.Category, g.Key.Method, m.Key, m.Max(r => r.Item5) - g.Where(r => r.Key < m.Key).Select(r => r.Item5).DefaultIfEmpty(0).Max())))
            .Order().ToList();
        var months = await host.DbAsync(db => db.Set<AnalyticsPracticeMonthFailures>().AsNoTracking().ToListAsync());
        Assert.Equal(expectedMonths, months.Select(r => (r.OrganizationId, r.Category, r.Method, r.Month, r.Failures)).Order().ToList());
    }

    /// <summary>
    /// The arrangement the tests here start from: the East Clinic (New York) and the West Clinic (Los Angeles, unless
    /// <paramref name="westZone"/> says otherwise), saved, and <paramref name="people"/> accounts named
    /// <c>{prefix}{i}-{provider}</c>.
    /// </summary>
    private static async Task<(Organization East, Organization West, List<Guid> People)> ClinicsAsync(StoreHost host, string provider, DateTimeOffset createdAt,
        string prefix, int people, string westZone = "America/Los_Angeles")
    {
        var east = new Organization { Slug = $"east-{provider}", Name = "East Clinic", TimeZone = "America/New_York", CreatedAt = createdAt };
        var west = new Organization { Slug = $"west-{provider}", Name = "West Clinic", TimeZone = westZone, CreatedAt = createdAt };
        await host.DbAsync(async db =>
        {
            db.Organizations.AddRange(east, west);
            await db.SaveChangesAsync();
        });
        var accounts = new List<Guid>();
        for (var i = 0; i < people; i++)
        {
            accounts.Add(await host.AddAccountAsync($"{prefix}{i}-{provider}"));
        }

        return (east, west, accounts);
    }

    private static async Task RunUntilCaughtUpAsync(StoreHost host, FakeTimeProvider time, int catchUpEvents = 100_000, int? statementParameters = null)
    {
        for (var runs = 0; runs < 100; runs++)
        {
            if (await host.DbAsync(db => new AnalyticsAggregator(db, time) { CatchUpEvents = catchUpEvents, StatementParameters = statementParameters }.RunAsync(3, CancellationToken.None)) == 0)
            {
                return;
            }
        }

        Assert.Fail("The job never caught up.");
    }

    private static async Task AddAsync(StoreHost host, IReadOnlyList<SignInEvent> events, IReadOnlyList<Incident> incidents) =>
        await host.DbAsync(async db =>
        {
            db.SignInEvents.AddRange(events);
            db.Incidents.AddRange(incidents);
            await db.SaveChangesAsync();
        });

    /// <summary>Bursts of failures ended by a success, a reset or unlock, or nothing; some in another browser or network.</summary>
    private static List<SignInEvent> Events(Random random, List<Guid> people, Guid[] practices, DateTimeOffset from, DateTimeOffset to)
    {
        var events = new List<SignInEvent>();
        foreach (var person in people)
        {
            var at = from.AddMinutes(random.Next(0, 600));
            while (at < to)
            {
                Guid? practice = random.Next(5) == 0 ? null : practices[random.Next(practices.Length)];
                var failures = random.Next(0, 4);
                for (var f = 0; f < failures && at < to; f++, at = at.AddMinutes(random.Next(1, 90)))
                {
                    events.Add(Event(person, practice, at, Failures[random.Next(Failures.Length)], false, random.Next(4) == 0 ? SignInMethod.Api : SignInMethod.Password));
                }

                switch (at < to ? random.Next(6) : -1)
                {
                    case 0:
                        events.Add(Event(person, practice, at, ReasonCodes.PasswordReset, true, SignInMethod.PasswordReset));
                        break;
                    case 1:
                        events.Add(Event(person, practice, at, ReasonCodes.AccountUnlocked, true, SignInMethod.Unlock));
                        break;
                }

                at = at.AddMinutes(random.Next(1, 30));
                if (random.Next(4) != 0 && at < to)
                {
                    var success = Event(person, practice, at, ReasonCodes.SignedIn, true, random.Next(3) == 0 ? SignInMethod.Sso : SignInMethod.Password);
                    if (random.Next(5) == 0)
                    {
                        success.Browser = "Firefox";
                    }
                    else if (random.Next(5) == 0)
                    {
                        success.ClientIp = "203.0.113.50";
                        success.NetworkLabel = "Front desk";
                    }

                    events.Add(success);
                }

                at = at.AddHours(random.Next(1, 40));
            }
        }

        return events;
    }

    /// <summary>A help request for every seventh failure and an incident naming every eleventh, a minute after it.</summary>
    private static List<Incident> Help(List<SignInEvent> events, DateTimeOffset at)
    {
        var failures = events.Where(e => !e.Succeeded).ToList();
        var incidents = new List<Incident>();
        for (var i = 0; i < failures.Count; i++)
        {
            var e = failures[i];
            if (i % 7 == 3)
            {
                incidents.Add(new Incident { Title = "help", Targets = "Support", AccountId = e.AccountId, OrganizationId = e.OrganizationId, CreatedAt = e.OccurredAt.AddMinutes(1), UpdatedAt = at });
            }
            else if (i % 11 == 5)
            {
                incidents.Add(new Incident { Title = "rule", Targets = "Support", RuleId = "repeated-failures", TraceIds = e.TraceId, CreatedAt = e.OccurredAt.AddMinutes(1), UpdatedAt = at });
            }
        }

        return incidents;
    }

    private static SignInEvent Event(Guid person, Guid? practice, DateTimeOffset at, string reason, bool succeeded, SignInMethod method = SignInMethod.Password) => new()
    {
        TraceId = Guid.NewGuid().ToString("N"),
        OccurredAt = at,
        AccountId = person,
        OrganizationId = practice,
        Method = method,
        Succeeded = succeeded,
        ReasonCode = reason,
        ShownReasonCode = reason,
        ClientIp = "198.51.100.7",
        Browser = "Chrome",
        UserAgent = "contract-test",
    };
}

using System.Linq.Expressions;
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
        var done = 0;
        for (var i = 0; i < maxSlices && await CountEventsAsync(zones, now, cancellationToken); i++)
        {
            done++;
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

    private async Task<bool> CountEventsAsync(Zones zones, DateTimeOffset now, CancellationToken cancellationToken)
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

        await AddToRowsAsync(outcomes, k => k.Day, (first, last) => r => r.Day >= first && r.Day <= last,
            r => (r.Day, r.OrganizationId, r.ReasonCode, r.Method), (row, count) => row.Count += count,
            (k, count) => new AnalyticsOutcomeCount { Day = k.Day, OrganizationId = k.Organization, ReasonCode = k.Reason, Method = k.Method, Count = count }, cancellationToken);
        await AddToRowsAsync(hours, k => k.Day, (first, last) => r => r.Day >= first && r.Day <= last,
            r => (r.Day, r.OrganizationId, r.Hour, r.Category, r.Method), (row, count) => row.Failures += count,
            (k, count) => new AnalyticsHourCount { Day = k.Day, OrganizationId = k.Organization, Hour = k.Hour, Category = k.Category, Method = k.Method, Failures = count }, cancellationToken);
        await AddToRowsAsync(networks, k => k.Day, (first, last) => r => r.Day >= first && r.Day <= last,
            r => (r.Day, r.OrganizationId, r.Network, r.Category, r.Method), (row, count) => row.Failures += count,
            (k, count) => new AnalyticsNetworkCount { Day = k.Day, OrganizationId = k.Organization, Network = k.Network, Category = k.Category, Method = k.Method, Failures = count }, cancellationToken);

        mark.Position = end;
        await SaveAsync(cancellationToken);
        return true;
    }

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

        await AddToRowsAsync(stories, k => k.Day, (first, last) => r => r.Day >= first && r.Day <= last,
            r => (r.Day, r.OrganizationId, r.Category, r.Method, r.Ending, r.Way),
            (row, told) =>
            {
                row.Stories += told.Stories;
                row.SecondsToRecover += told.Seconds;
            },
            (k, told) => new AnalyticsStoryCount
            {
                Day = k.Day, OrganizationId = k.Organization, Category = k.Category, Method = k.Method, Ending = k.Ending, Way = k.Way,
                Stories = told.Stories, SecondsToRecover = told.Seconds,
            }, cancellationToken);

        mark.Position = end;
        await SaveAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Adds a slice's counts to their daily rows: the rows of the slice's days are read once, a count whose row
    /// exists is added to it, the others become new rows. Saved by the caller with the watermark.
    /// </summary>
    private async Task AddToRowsAsync<TKey, TCount, TRow>(Dictionary<TKey, TCount> counts, Func<TKey, DateOnly> dayOf,
        Func<DateOnly, DateOnly, Expression<Func<TRow, bool>>> onDays, Func<TRow, TKey> keyOf, Action<TRow, TCount> add, Func<TKey, TCount, TRow> create,
        CancellationToken cancellationToken)
        where TKey : notnull
        where TRow : class
    {
        if (counts.Count == 0)
        {
            return;
        }

        var existing = (await db.Set<TRow>().Where(onDays(counts.Keys.Min(dayOf), counts.Keys.Max(dayOf))).ToListAsync(cancellationToken)).ToDictionary(keyOf);
        foreach (var (key, count) in counts)
        {
            if (existing.TryGetValue(key, out var row))
            {
                add(row, count);
            }
            else
            {
                db.Add(create(key, count));
            }
        }
    }

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

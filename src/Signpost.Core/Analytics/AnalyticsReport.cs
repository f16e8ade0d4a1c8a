using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Core.Analytics;

/// <summary>What a report covers: practice-local days from <see cref="From"/> to <see cref="To"/> inclusive, optionally one practice, reason category and sign-in method.</summary>
public sealed record AnalyticsFilter(DateOnly From, DateOnly To, Guid? OrganizationId = null, ReasonCategory? Category = null, SignInMethod? Method = null)
{
    /// <summary>The longest range one report covers (two years of days).</summary>
    public const int MaxDays = 731;

    /// <summary>The days a report covers when no range is given: the last 30, today (UTC) among them.</summary>
    public const int DefaultDays = 30;

    /// <summary>The first day of the default range on <paramref name="today"/>.</summary>
    public static DateOnly DefaultFrom(DateOnly today) => today.AddDays(1 - DefaultDays);

    /// <summary>
    /// The organization key of the roll-up rows: every practice's counts again, summed, so a report over all
    /// practices reads one row per key instead of one per practice (docs/analytics.md, "How the numbers are kept").
    /// </summary>
    public static readonly Guid AllPractices = new("ffffffff-ffff-ffff-ffff-ffffffffffff");

    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The longest range charted by day; a longer one is charted by calendar month (docs/analytics.md, "Long ranges").</summary>
    public const int MaxDaysByDay = 92;

    /// <summary>Whether the report's points are calendar months (the first and last maybe in part) rather than days.</summary>
    public bool ByMonth => Days > MaxDaysByDay;
}

/// <summary>
/// One point of the chart: failures by root-cause category over the local days <see cref="Day"/> to <see cref="LastDay"/>
/// — one day, or for a long range (<see cref="AnalyticsFilter.ByMonth"/>) one calendar month cut to the range.
/// </summary>
public sealed record CategoryDay(DateOnly Day, IReadOnlyDictionary<ReasonCategory, int> Failures)
{
    /// <summary>The point's last day (<see cref="Day"/> itself for a point of one day).</summary>
    public DateOnly LastDay { get; init; } = Day;

    public int Total => Failures.Values.Sum();
}

/// <summary>A practice among those with the most failures.</summary>
public sealed record PracticeFailures(Guid OrganizationId, string Name, string? Slug, int Failures, int SignIns);

/// <summary>A network (<see cref="NetworkKey"/>) among those with the most failures.</summary>
public sealed record NetworkFailures(string Network, int Failures)
{
    public bool AllowListed => NetworkKey.IsAllowListed(Network);
}

/// <summary>A member of the practice and how many lock-out refusals they met.</summary>
public sealed record LockedMember(Guid AccountId, string Username, string DisplayName, int Refusals);

/// <summary>A maintenance window that overlaps the report's range.</summary>
public sealed record MaintenanceSpan(DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Message);

/// <summary>
/// The analytics numbers for one filter, all read from the daily aggregates (docs/analytics.md has every
/// definition). The page, the CSV files, <c>signpost report</c> and the metrics show these same numbers.
/// </summary>
public sealed class AnalyticsReport
{
    public required AnalyticsFilter Filter { get; init; }

    /// <summary>Failures per local day and category, one entry per day of the range (empty days too) — or per calendar month when <see cref="AnalyticsFilter.ByMonth"/>.</summary>
    public required IReadOnlyList<CategoryDay> Days { get; init; }

    /// <summary>Failures per reason code, most first.</summary>
    public required IReadOnlyList<(string ReasonCode, int Count)> Reasons { get; init; }

    /// <summary>Successful sign-ins (password, API, SSO, expired-password change).</summary>
    public int SignIns { get; init; }

    /// <summary>Failure stories per ending.</summary>
    public required IReadOnlyDictionary<StoryEnding, int> Stories { get; init; }

    /// <summary>Stories recovered alone, per way.</summary>
    public required IReadOnlyDictionary<RecoveryWay, int> Ways { get; init; }

    /// <summary>Mean time from first failure to sign-in, per recovered ending (null: none recovered that way).</summary>
    public required IReadOnlyDictionary<StoryEnding, TimeSpan?> MeanTimeToRecover { get; init; }

    public int HelpRequests { get; init; }

    public int Incidents { get; init; }

    public required IReadOnlyList<PracticeFailures> Practices { get; init; }

    public required IReadOnlyList<NetworkFailures> Networks { get; init; }

    /// <summary>Failures by weekday (index 0 = Monday) and hour of the practice's local day.</summary>
    public required int[,] HeatMap { get; init; }

    public required IReadOnlyList<MaintenanceSpan> Maintenance { get; init; }

    /// <summary>Where the aggregates stood when read: events before it are counted.</summary>
    public DateTimeOffset? CountedUpTo { get; init; }

    public int Failures => Days.Sum(d => d.Total);

    public int StoriesTotal => Stories.Values.Sum();

    /// <summary>Stories recovered without a help request or incident, as a share of all closed stories (null: no stories).</summary>
    public double? SelfServiceRate => StoriesTotal == 0 ? null : (double)Stories.GetValueOrDefault(StoryEnding.RecoveredAlone) / StoriesTotal;

    public double? HelpRequestsPerThousand => SignIns == 0 ? null : HelpRequests * 1000.0 / SignIns;

    public double? IncidentsPerThousand => SignIns == 0 ? null : Incidents * 1000.0 / SignIns;

    /// <summary>Failures per category over the whole range.</summary>
    public IReadOnlyDictionary<ReasonCategory, int> CategoryTotals =>
        Days.SelectMany(d => d.Failures).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
}

/// <summary>Reads <see cref="AnalyticsReport"/>s from the daily aggregates.</summary>
public interface IAnalyticsReader
{
    Task<AnalyticsReport> ReadAsync(AnalyticsFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// The practice's members refused most often as locked out since <paramref name="since"/> (its "what to do"
    /// list): one indexed read of that practice's lock refusals, not of its events at large.
    /// </summary>
    Task<IReadOnlyList<LockedMember>> MostLockedAsync(Guid organizationId, DateTimeOffset since, int take, CancellationToken cancellationToken);

    /// <summary>
    /// Every practice's ID, slug and name, by name (the platform page's practice filter) — or null when there
    /// are more than <paramref name="atMost"/>, found without reading or sorting them all.
    /// </summary>
    Task<IReadOnlyList<(Guid Id, string Slug, string Name)>?> PracticesAsync(int atMost, CancellationToken cancellationToken);

    /// <summary>The practice with this slug (null: none).</summary>
    Task<(Guid Id, string Slug, string Name)?> PracticeAsync(string slug, CancellationToken cancellationToken);
}

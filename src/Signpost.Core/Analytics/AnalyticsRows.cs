using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Core.Analytics;

// The daily aggregate rows the analytics job keeps (docs/analytics.md, "How the numbers are kept"). Days are
// the practice's local days; OrganizationId is Guid.Empty for attempts that named no single practice.
// Rows only grow: the job adds each slice of events once, behind its watermark.

/// <summary>Events per local day, practice, reason and method: successes and failures alike.</summary>
public sealed class AnalyticsOutcomeCount
{
    public DateOnly Day { get; set; }
    public Guid OrganizationId { get; set; }
    public required string ReasonCode { get; set; }
    public SignInMethod Method { get; set; }
    public int Count { get; set; }
}

/// <summary>Failures per local day, hour of the local day, practice, category and method (the heat map).</summary>
public sealed class AnalyticsHourCount
{
    public DateOnly Day { get; set; }
    public Guid OrganizationId { get; set; }
    public int Hour { get; set; }
    public ReasonCategory Category { get; set; }
    public SignInMethod Method { get; set; }
    public int Failures { get; set; }
}

/// <summary>Failures per local day, practice, network (<see cref="NetworkKey"/>), category and method.</summary>
public sealed class AnalyticsNetworkCount
{
    public DateOnly Day { get; set; }
    public Guid OrganizationId { get; set; }
    public required string Network { get; set; }
    public ReasonCategory Category { get; set; }
    public SignInMethod Method { get; set; }
    public int Failures { get; set; }
}

/// <summary>Failure stories per local day of their first failure, practice, category and method of that failure, ending and way.</summary>
public sealed class AnalyticsStoryCount
{
    public DateOnly Day { get; set; }
    public Guid OrganizationId { get; set; }
    public ReasonCategory Category { get; set; }
    public SignInMethod Method { get; set; }
    public StoryEnding Ending { get; set; }
    public RecoveryWay Way { get; set; }
    public int Stories { get; set; }

    /// <summary>The sum of first-failure-to-success times of the recovered ones, in seconds (the mean's numerator).</summary>
    public long SecondsToRecover { get; set; }
}

/// <summary>
/// A practice's failures from its first counted day up to and including <see cref="Day"/>: a running total, kept
/// for the days it changed, so "the practices with the most failures" over any range reads two rows per practice
/// (the total at the range's last day less the total before its first) instead of every daily row
/// (docs/analytics.md, "How the numbers are kept"). One series per kind: every failure (<see cref="Category"/> and
/// <see cref="Method"/> both empty), one category's (<see cref="Method"/> empty), one method's
/// (<see cref="Category"/> empty) or one category's by one method (both named). Failures are the catalogue's failure codes, as in <see cref="AnalyticsOutcomeCount"/>.
/// </summary>
public sealed class AnalyticsPracticeRunningFailures
{
    public Guid OrganizationId { get; set; }

    /// <summary>A <see cref="ReasonCategory"/> name, or empty for every category.</summary>
    public string Category { get; set; } = "";

    /// <summary>A <see cref="SignInMethod"/> name, or empty for every method.</summary>
    public string Method { get; set; } = "";

    public DateOnly Day { get; set; }
    public long Failures { get; set; }
}

/// <summary>
/// The newest running total of one series of <see cref="AnalyticsPracticeRunningFailures"/> and the days it spans:
/// one row per practice and kind, so the ranking starts from a short list and needs no look-up for a range that
/// ends after the practice's last failure or starts before its first — nor for one that starts at
/// <see cref="WindowStart"/>, the first day of the pages' default range, whose total before it the job keeps here.
/// </summary>
public sealed class AnalyticsPracticeFailureTotal
{
    public Guid OrganizationId { get; set; }
    public string Category { get; set; } = "";
    public string Method { get; set; } = "";
    public DateOnly FirstDay { get; set; }
    public DateOnly LastDay { get; set; }
    public long Failures { get; set; }

    /// <summary>The first day of the default range when the job last moved it (<see cref="AnalyticsFilter.DefaultDays"/> days to today, UTC).</summary>
    public DateOnly WindowStart { get; set; }

    /// <summary>The series' failures before <see cref="WindowStart"/>.</summary>
    public long BeforeWindow { get; set; }
}

/// <summary>
/// One series' failures (<see cref="AnalyticsPracticeRunningFailures"/>'s kinds) in one calendar month of the practice's
/// local days, <see cref="Month"/> being its first day. The sum over the months a range touches bounds the series'
/// failures in the range from above, so the ranking looks up only the practices that can still place
/// (docs/analytics.md, "The practices with the most failures").
/// </summary>
public sealed class AnalyticsPracticeMonthFailures
{
    public Guid OrganizationId { get; set; }
    public string Category { get; set; } = "";
    public string Method { get; set; } = "";

    /// <summary>The month's first day.</summary>
    public DateOnly Month { get; set; }

    public long Failures { get; set; }
}

/// <summary>
/// One practice's successful sign-ins (<see cref="AnalyticsOutcomeCount"/>'s success codes of the attempt methods,
/// <see cref="FailureStoryTeller.IsAttempt"/>) per calendar month of its local days and method, <see cref="Month"/>
/// being its first day: the sign-ins column of "the practices with the most failures" for a long range reads the
/// whole months here and only the part-months at its edges from the daily rows (docs/analytics.md, "Long ranges").
/// </summary>
public sealed class AnalyticsPracticeMonthSignIns
{
    public Guid OrganizationId { get; set; }

    /// <summary>The month's first day.</summary>
    public DateOnly Month { get; set; }

    public SignInMethod Method { get; set; }
    public int SignIns { get; set; }
}

// The month roll-ups of all practices together (docs/analytics.md, "Long ranges"): the AllPractices rows above
// summed per calendar month of the practices' local days, Month being its first day. A report of all practices
// over a long range reads the whole months inside it here and the days of the part-months at its edges from the
// daily rows, so every figure is the same sum of the same events, read from fewer rows.

/// <summary>Events of all practices per local month, reason and method (<see cref="AnalyticsOutcomeCount"/> by month).</summary>
public sealed class AnalyticsMonthOutcome
{
    public DateOnly Month { get; set; }
    public required string ReasonCode { get; set; }
    public SignInMethod Method { get; set; }
    public int Count { get; set; }
}

/// <summary>
/// Failures of all practices per local month, weekday (0 = Monday) and hour of the local day, category and method:
/// <see cref="AnalyticsHourCount"/> by month, the weekday kept from each row's day for the heat map.
/// </summary>
public sealed class AnalyticsMonthHour
{
    public DateOnly Month { get; set; }
    public int Weekday { get; set; }
    public int Hour { get; set; }
    public ReasonCategory Category { get; set; }
    public SignInMethod Method { get; set; }
    public int Failures { get; set; }
}

/// <summary>
/// Failures of all practices per local day and hour of the local day, every category and method together: the
/// <see cref="AnalyticsHourCount"/> roll-up rows summed over category and method, which is all the heat map of a view
/// without a category or method filter needs: 24 rows a day where the roll-up has a few hundred
/// (docs/analytics.md, "Heat maps already summed").
/// </summary>
public sealed class AnalyticsHourTotal
{
    public DateOnly Day { get; set; }
    public int Hour { get; set; }
    public int Failures { get; set; }
}

/// <summary>
/// <see cref="AnalyticsMonthHour"/> summed over category and method: failures of all practices per local month,
/// weekday (0 = Monday) and hour, the heat map of a long range without a category or method filter.
/// </summary>
public sealed class AnalyticsMonthHourTotal
{
    public DateOnly Month { get; set; }
    public int Weekday { get; set; }
    public int Hour { get; set; }
    public int Failures { get; set; }
}

/// <summary>Failures of all practices per local month, network, category and method (<see cref="AnalyticsNetworkCount"/> by month).</summary>
public sealed class AnalyticsMonthNetwork
{
    public DateOnly Month { get; set; }
    public required string Network { get; set; }
    public ReasonCategory Category { get; set; }
    public SignInMethod Method { get; set; }
    public int Failures { get; set; }
}

/// <summary>Failure stories of all practices per local month of their first failure (<see cref="AnalyticsStoryCount"/> by month).</summary>
public sealed class AnalyticsMonthStory
{
    public DateOnly Month { get; set; }
    public ReasonCategory Category { get; set; }
    public SignInMethod Method { get; set; }
    public StoryEnding Ending { get; set; }
    public RecoveryWay Way { get; set; }
    public int Stories { get; set; }
    public long SecondsToRecover { get; set; }
}

/// <summary>How far the job has counted: events before <see cref="Position"/> are in the rows of <see cref="Name"/>.</summary>
public sealed class AnalyticsWatermark
{
    public const string Events = "events";
    public const string Stories = "stories";

    /// <summary>The running totals of failures per practice: in step with <see cref="Events"/> when it has the same position.</summary>
    public const string Ranking = "ranking";

    public required string Name { get; set; }
    public DateTimeOffset Position { get; set; }
}

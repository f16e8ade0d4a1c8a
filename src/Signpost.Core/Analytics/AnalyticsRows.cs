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

/// <summary>How far the job has counted: events before <see cref="Position"/> are in the rows of <see cref="Name"/>.</summary>
public sealed class AnalyticsWatermark
{
    public const string Events = "events";
    public const string Stories = "stories";

    public required string Name { get; set; }
    public DateTimeOffset Position { get; set; }
}

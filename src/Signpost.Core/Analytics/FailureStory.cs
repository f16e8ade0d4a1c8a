using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Core.Analytics;

/// <summary>
/// One person's failures up to their next successful sign-in or the time-out (docs/analytics.md,
/// "Failure stories"), and how it ended.
/// </summary>
public sealed record FailureStory(
    Guid AccountId,
    Guid? OrganizationId,
    DateTimeOffset StartedAt,
    string FirstReasonCode,
    SignInMethod FirstMethod,
    int Failures,
    StoryEnding Ending,
    RecoveryWay Way,
    TimeSpan? TimeToRecover)
{
    /// <summary>The root-cause category of the first failure (the story's category on the charts).</summary>
    public ReasonCategory Category => ReasonCatalogue.TryGet(FirstReasonCode, out var reason) ? reason.Category : ReasonCategory.Request;

    public bool Recovered => Ending != StoryEnding.NotRecovered;
}

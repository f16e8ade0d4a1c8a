using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Core.Analytics;

/// <summary>
/// Cuts one person's sign-in events into failure stories and says how each ended (docs/analytics.md,
/// "Failure stories"). The rules, in order:
/// <list type="number">
/// <item>An <em>attempt</em> is a password, API, SSO or expired-password-change event; recovery steps (reset,
/// unlock, activation) are not attempts but say how a story ended.</item>
/// <item>A story starts at a failed attempt whose previous attempt by the same person was a success or lies
/// more than <see cref="TimeOut"/> earlier (or does not exist). So a story's start depends only on the day
/// before it, which is what lets the aggregate job tell stories a slice of days at a time.</item>
/// <item>It ends at the first successful attempt within <see cref="TimeOut"/> of its first failure
/// (recovered), or is not recovered when that time passes first. Failures after the time-out that follow
/// another attempt within a day belong to no new story: someone who keeps failing without a day's pause
/// stays in the one not-recovered story.</item>
/// <item>A help request or incident between the first failure and the success (naming the person or one of
/// the story's attempts) makes it "recovered after help"; a help request outranks an incident.</item>
/// <item>Otherwise the way is the first that applies: reset, unlock, waited out a lock, waited out a
/// maintenance window, another browser, another network, retry.</item>
/// </list>
/// </summary>
public sealed class FailureStoryTeller(TimeProvider time)
{
    /// <summary>How long a story may stay open: a day, long enough for a night's pause, short enough to be a story.</summary>
    public static readonly TimeSpan TimeOut = TimeSpan.FromHours(24);

    /// <summary>Whether an event is a sign-in attempt (rather than a recovery step).</summary>
    public static bool IsAttempt(SignInMethod method) =>
        method is SignInMethod.Password or SignInMethod.Api or SignInMethod.Sso or SignInMethod.ChangePassword;

    /// <summary>
    /// The stories of one person whose ending is known by now: recovered, or started at least
    /// <see cref="TimeOut"/> ago. <paramref name="events"/> are that person's, in any order.
    /// </summary>
    public IReadOnlyList<FailureStory> Tell(Guid accountId, IEnumerable<SignInEvent> events, IReadOnlyCollection<HelpContact> contacts)
    {
        var now = time.GetUtcNow();
        var ordered = events.OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).ToList();
        var stories = new List<FailureStory>();
        SignInEvent? previousAttempt = null;
        var i = 0;
        while (i < ordered.Count)
        {
            var e = ordered[i];
            if (!IsAttempt(e.Method))
            {
                i++;
                continue;
            }

            var starts = !e.Succeeded && (previousAttempt is null || previousAttempt.Succeeded || e.OccurredAt - previousAttempt.OccurredAt > TimeOut);
            previousAttempt = e;
            if (!starts)
            {
                i++;
                continue;
            }

            // Gather the story: every event up to the first successful attempt within the time-out.
            var deadline = e.OccurredAt + TimeOut;
            var within = new List<SignInEvent> { e };
            SignInEvent? success = null;
            var j = i + 1;
            for (; j < ordered.Count && ordered[j].OccurredAt <= deadline; j++)
            {
                var next = ordered[j];
                if (IsAttempt(next.Method))
                {
                    previousAttempt = next;
                    if (next.Succeeded)
                    {
                        success = next;
                        j++;
                        break;
                    }
                }

                within.Add(next);
            }

            i = j;
            if (success is null && now < deadline)
            {
                continue; // still open: its ending is not known yet
            }

            stories.Add(Classify(accountId, within, success, contacts));
        }

        return stories;
    }

    private static FailureStory Classify(Guid accountId, List<SignInEvent> within, SignInEvent? success, IReadOnlyCollection<HelpContact> contacts)
    {
        var first = within[0];
        var failures = within.Where(x => IsAttempt(x.Method) && !x.Succeeded).ToList();
        var (ending, way) = success is null
            ? (StoryEnding.NotRecovered, RecoveryWay.None)
            : Ending(accountId, within, failures, success, contacts);
        return new FailureStory(accountId, first.OrganizationId, first.OccurredAt, first.ReasonCode, first.Method, failures.Count,
            ending, way, success is null ? null : success.OccurredAt - first.OccurredAt);
    }

    private static (StoryEnding, RecoveryWay) Ending(Guid accountId, List<SignInEvent> within, List<SignInEvent> failures, SignInEvent success, IReadOnlyCollection<HelpContact> contacts)
    {
        var start = within[0].OccurredAt;
        var traces = within.Select(x => x.TraceId).ToHashSet(StringComparer.Ordinal);
        var helped = contacts.Where(c => c.At >= start && c.At <= success.OccurredAt
            && (c.AccountId == accountId || c.TraceIds.Any(traces.Contains))).ToList();
        if (helped.Any(c => c.Kind == HelpContactKind.HelpRequest))
        {
            return (StoryEnding.RecoveredAfterHelpRequest, RecoveryWay.None);
        }

        if (helped.Count > 0)
        {
            return (StoryEnding.RecoveredAfterIncident, RecoveryWay.None);
        }

        return (StoryEnding.RecoveredAlone, WayOf(within, failures, success));
    }

    private static RecoveryWay WayOf(List<SignInEvent> within, List<SignInEvent> failures, SignInEvent success)
    {
        if (within.Any(x => x.Succeeded && x.ReasonCode == ReasonCodes.PasswordReset))
        {
            return RecoveryWay.Reset;
        }

        if (within.Any(x => x.Succeeded && x.ReasonCode == ReasonCodes.AccountUnlocked))
        {
            return RecoveryWay.Unlock;
        }

        if (failures.Any(x => x.ReasonCode is ReasonCodes.AccountLocked or ReasonCodes.MfaLocked))
        {
            return RecoveryWay.WaitedOutLock;
        }

        if (failures.Any(x => ReasonCatalogue.TryGet(x.ReasonCode, out var r) && r.Category == ReasonCategory.Maintenance))
        {
            return RecoveryWay.WaitedOutMaintenance;
        }

        var last = failures[^1];
        if (Differs(last.Browser, success.Browser) || (last.Browser is null && Differs(last.UserAgent, success.UserAgent)))
        {
            return RecoveryWay.AnotherBrowser;
        }

        if (Differs(NetworkKey.Of(last), NetworkKey.Of(success)))
        {
            return RecoveryWay.AnotherNetwork;
        }

        return RecoveryWay.Retry;
    }

    private static bool Differs(string? a, string? b) => a is not null && b is not null && !string.Equals(a, b, StringComparison.Ordinal);
}

using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Analytics;
using Signpost.Core.Events;
using Signpost.Core.Reasons;

namespace Signpost.Core.Tests.Analytics;

/// <summary>Hand-made stories of one person, one per ending and way (docs/analytics.md, "Failure stories").</summary>
public sealed class FailureStoryTellerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid Person = Guid.NewGuid();
    private static readonly Guid Practice = Guid.NewGuid();

    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<SignInEvent> _events = [];
    private readonly List<HelpContact> _contacts = [];
    private long _id;

    [Fact]
    public void Tell_WrongPasswordThenRightOne_RecoveredAloneByRetry()
    {
        Fail(0, ReasonCodes.InvalidCredentials);
        Fail(1, ReasonCodes.InvalidCredentials);
        Succeed(3);

        var story = Assert.Single(Tell());

        Assert.Equal((StoryEnding.RecoveredAlone, RecoveryWay.Retry, 2, TimeSpan.FromMinutes(3)), (story.Ending, story.Way, story.Failures, story.TimeToRecover));
        Assert.Equal((Practice, ReasonCategory.Credentials, SignInMethod.Password, Start), (story.OrganizationId, story.Category, story.FirstMethod, story.StartedAt));
    }

    [Fact]
    public void Tell_ResetLinkUsedBeforeSuccess_RecoveredAloneByReset()
    {
        Fail(0, ReasonCodes.InvalidCredentials);
        Step(2, SignInMethod.PasswordReset, ReasonCodes.ResetRequested);
        Step(6, SignInMethod.PasswordReset, ReasonCodes.PasswordReset);
        Succeed(7);

        Assert.Equal((StoryEnding.RecoveredAlone, RecoveryWay.Reset), Only());
    }

    [Fact]
    public void Tell_UnlockLinkUsedBeforeSuccess_RecoveredAloneByUnlock()
    {
        Fail(0, ReasonCodes.AccountLocked);
        Step(1, SignInMethod.Unlock, ReasonCodes.UnlockRequested);
        Step(4, SignInMethod.Unlock, ReasonCodes.AccountUnlocked);
        Succeed(5);

        Assert.Equal((StoryEnding.RecoveredAlone, RecoveryWay.Unlock), Only());
    }

    [Fact]
    public void Tell_LockedThenSignedInLater_WaitedOutTheLock()
    {
        Fail(0, ReasonCodes.InvalidCredentials);
        Fail(1, ReasonCodes.AccountLocked);
        Succeed(20);

        Assert.Equal((StoryEnding.RecoveredAlone, RecoveryWay.WaitedOutLock), Only());
    }

    [Fact]
    public void Tell_TurnedAwayByMaintenanceThenSignedIn_WaitedOutTheWindow()
    {
        Fail(0, ReasonCodes.MaintenanceWindow);
        Succeed(45);

        var story = Assert.Single(Tell());
        Assert.Equal((StoryEnding.RecoveredAlone, RecoveryWay.WaitedOutMaintenance, ReasonCategory.Maintenance), (story.Ending, story.Way, story.Category));
    }

    [Fact]
    public void Tell_UnsupportedBrowserThenAnotherBrowser_RecoveredInAnotherBrowser()
    {
        Fail(0, ReasonCodes.BrowserUnsupported).Browser = "Internet Explorer";
        Succeed(2).Browser = "Firefox";

        Assert.Equal((StoryEnding.RecoveredAlone, RecoveryWay.AnotherBrowser), Only());
    }

    [Fact]
    public void Tell_NetworkNotAllowedThenOfficeNetwork_RecoveredOnAnotherNetwork()
    {
        Fail(0, ReasonCodes.NetworkNotAllowed).ClientIp = "203.0.113.9";
        var success = Succeed(30);
        success.ClientIp = "198.51.100.20";
        success.NetworkLabel = "Front desk";

        Assert.Equal((StoryEnding.RecoveredAlone, RecoveryWay.AnotherNetwork), Only());
    }

    [Fact]
    public void Tell_HelpRequestBeforeSuccess_RecoveredAfterHelpRequest()
    {
        Fail(0, ReasonCodes.InvalidCredentials);
        _contacts.Add(new HelpContact(Start.AddMinutes(5), HelpContactKind.HelpRequest, Person, []));
        Succeed(60);

        var story = Assert.Single(Tell());
        Assert.Equal((StoryEnding.RecoveredAfterHelpRequest, RecoveryWay.None, TimeSpan.FromHours(1)), (story.Ending, story.Way, story.TimeToRecover));
    }

    [Fact]
    public void Tell_IncidentNamingAnAttemptBeforeSuccess_RecoveredAfterIncident()
    {
        var failure = Fail(0, ReasonCodes.SsoProviderUnreachable);
        failure.Method = SignInMethod.Sso;
        _contacts.Add(new HelpContact(Start.AddMinutes(2), HelpContactKind.Incident, null, [failure.TraceId]));
        Succeed(90).Method = SignInMethod.Sso;

        Assert.Equal((StoryEnding.RecoveredAfterIncident, RecoveryWay.None), Only());
    }

    [Fact]
    public void Tell_HelpForSomeoneElseOrAfterTheSuccess_DoesNotCount()
    {
        Fail(0, ReasonCodes.InvalidCredentials);
        _contacts.Add(new HelpContact(Start.AddMinutes(1), HelpContactKind.HelpRequest, Guid.NewGuid(), ["another-trace"]));
        Succeed(3);
        _contacts.Add(new HelpContact(Start.AddMinutes(4), HelpContactKind.HelpRequest, Person, []));

        Assert.Equal((StoryEnding.RecoveredAlone, RecoveryWay.Retry), Only());
    }

    [Fact]
    public void Tell_NoSuccessWithinADay_NotRecoveredOnceTheDayHasPassed()
    {
        Fail(0, ReasonCodes.AccountDisabled);
        Fail(60, ReasonCodes.AccountDisabled);
        Succeed((24 * 60) + 1);

        _time.Advance(TimeSpan.FromHours(23));
        Assert.Empty(Tell());

        _time.Advance(TimeSpan.FromHours(2));
        var story = Assert.Single(Tell());
        Assert.Equal((StoryEnding.NotRecovered, RecoveryWay.None, 2, (TimeSpan?)null), (story.Ending, story.Way, story.Failures, story.TimeToRecover));
    }

    [Fact]
    public void Tell_FailingOnWithoutADaysPause_StaysInTheOneNotRecoveredStory()
    {
        for (var hour = 0; hour <= 40; hour += 10)
        {
            Fail(hour * 60, ReasonCodes.InvalidCredentials);
        }

        Fail((40 + 25) * 60, ReasonCodes.InvalidCredentials); // a day's pause: a new story
        Succeed((40 + 25) * 60 + 5);
        _time.Advance(TimeSpan.FromDays(3));

        var stories = Tell();

        Assert.Equal([StoryEnding.NotRecovered, StoryEnding.RecoveredAlone], stories.Select(s => s.Ending));
        Assert.Equal([3, 1], stories.Select(s => s.Failures));
    }

    [Fact]
    public void Tell_FailureRightAfterASuccess_StartsANewStory()
    {
        Fail(0, ReasonCodes.InvalidCredentials);
        Succeed(1);
        Fail(2, ReasonCodes.MfaCodeInvalid);
        Succeed(4);

        var stories = Tell();

        Assert.Equal([ReasonCategory.Credentials, ReasonCategory.Mfa], stories.Select(s => s.Category));
        Assert.All(stories, s => Assert.Equal(StoryEnding.RecoveredAlone, s.Ending));
    }

    [Fact]
    public void Tell_OnlySuccessesAndSteps_NoStory()
    {
        Succeed(0);
        Step(1, SignInMethod.PasswordReset, ReasonCodes.ResetRequested);
        Step(2, SignInMethod.PasswordReset, ReasonCodes.ResetLinkExpired, succeeded: false);
        Succeed(3);

        _time.Advance(TimeSpan.FromDays(2));
        Assert.Empty(Tell());
    }

    private IReadOnlyList<FailureStory> Tell() => new FailureStoryTeller(_time).Tell(Person, _events, _contacts);

    private (StoryEnding, RecoveryWay) Only()
    {
        var story = Assert.Single(Tell());
        return (story.Ending, story.Way);
    }

    private SignInEvent Fail(int minute, string reason) => Add(minute, SignInMethod.Password, reason, succeeded: false);

    private SignInEvent Succeed(int minute) => Add(minute, SignInMethod.Password, ReasonCodes.SignedIn, succeeded: true);

    private SignInEvent Step(int minute, SignInMethod method, string reason, bool succeeded = true) => Add(minute, method, reason, succeeded);

    private SignInEvent Add(int minute, SignInMethod method, string reason, bool succeeded)
    {
        var e = new SignInEvent
        {
            Id = ++_id,
            TraceId = $"trace-{_id}",
            OccurredAt = Start.AddMinutes(minute),
            AccountId = Person,
            OrganizationId = Practice,
            Method = method,
            Succeeded = succeeded,
            ReasonCode = reason,
            ShownReasonCode = reason,
            ClientIp = "198.51.100.7",
            Browser = "Chrome",
            UserAgent = "Mozilla/5.0 Chrome/130",
        };
        _events.Add(e);
        return e;
    }
}

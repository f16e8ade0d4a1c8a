using Signpost.Core.Escalation.Rules;
using Signpost.Core.Events;
using Signpost.Core.Incidents;
using Signpost.Core.Reasons;
using static Signpost.Core.Tests.Incidents.EscalationHarness;

namespace Signpost.Core.Tests.Incidents;

/// <summary>docs/design.md §6 SSO misconfiguration: several users of one organization → one organization-level incident; later failures attach.</summary>
public sealed class SsoMisconfigurationRuleTests
{
    private readonly EscalationHarness _h = new();
    private readonly Guid _org = Guid.NewGuid();

    private Task<Signpost.Core.Escalation.EvaluationResult> SsoFailureAsync(double minutes, Guid? account = null, string reason = ReasonCodes.SsoSignatureInvalid, Guid? org = null) =>
        _h.RecordAsync(Minutes(minutes), SignInMethod.Password, reason, account ?? Guid.NewGuid(), org ?? _org);

    [Fact]
    public async Task ThirdDistinctUserWithinFifteenMinutes_OpensOneOrganizationIncident()
    {
        await SsoFailureAsync(0);
        await SsoFailureAsync(5, reason: ReasonCodes.SsoTokenInvalid);

        var result = await SsoFailureAsync(15);

        var (firing, raised) = Assert.Single(result.Firings);
        Assert.Equal(SsoMisconfigurationRule.Id, firing.RuleId);
        Assert.Equal(RaiseOutcome.Raised, raised.Outcome);
        var incident = Assert.Single(_h.Store.Incidents);
        Assert.Equal(_org, incident.OrganizationId);
        Assert.Null(incident.AccountId);
        Assert.Equal("PlatformOperators,PracticeAdmins", incident.Targets);
        Assert.Equal(3, Assert.Single(_h.Store.Firings).Evidence.Split("traceId").Length - 1);
    }

    [Fact]
    public async Task ThreeUsersWrittenLatestFirst_FiresOnTheLatestOnceTheEarlierArrive()
    {
        // Arrange: three people's SSO starts at 9:00, 9:01 and 9:02 commit in reverse order (concurrent requests). On
        // arrival, the 9:02 and 9:01 events each had no earlier user to count.
        var latest = await SsoFailureAsync(2);
        var middle = await SsoFailureAsync(1);

        // Act: the 9:00 event arrives last.
        var earliest = await SsoFailureAsync(0);

        // Assert: the rule holds on the 9:02 event's own window now that all three are written; the live path raises it
        // then, with that event as the trigger, as the sweep would.
        Assert.Empty(latest.Firings);
        Assert.Empty(middle.Firings);
        var (firing, raised) = Assert.Single(earliest.Firings);
        Assert.Equal(SsoMisconfigurationRule.Id, firing.RuleId);
        Assert.Equal(RaiseOutcome.Raised, raised.Outcome);
        var incident = Assert.Single(_h.Store.Incidents);
        Assert.Equal(_org, incident.OrganizationId);
        var stored = Assert.Single(_h.Store.Firings);
        Assert.Equal(_h.Store.Events.Single(e => e.OccurredAt == Start + Minutes(2)).TraceId, stored.TriggerTraceId);
        Assert.Equal(3, stored.Evidence.Split("traceId").Length - 1);
    }

    [Fact]
    public async Task LaterUsersOutsideTheArrivalsWindow_DoNotFire()
    {
        // Arrange: two users at 9:10 and 9:20 are written first; the 9:00 event arrives last. No 15-minute window ending at
        // an event holds all three (9:00–9:15 has two, 9:05–9:20 has two).
        await SsoFailureAsync(10);
        await SsoFailureAsync(20);

        // Act
        var result = await SsoFailureAsync(0);

        // Assert
        Assert.Empty(result.Firings);
        Assert.Empty(_h.Store.Incidents);
    }

    [Fact]
    public async Task ThirdUserJustPastTheWindow_DoesNotFire()
    {
        await SsoFailureAsync(0);
        await SsoFailureAsync(5);

        var result = await SsoFailureAsync(15 + (1 / 60_000.0));

        Assert.Empty(result.Firings);
        Assert.Empty(_h.Store.Incidents);
    }

    [Fact]
    public async Task OneUserFailingThreeTimes_DoesNotFire()
    {
        var account = Guid.NewGuid();
        await SsoFailureAsync(0, account);
        await SsoFailureAsync(1, account);

        var result = await SsoFailureAsync(2, account);

        Assert.Empty(result.Firings);
    }

    [Theory]
    [InlineData(ReasonCodes.SsoCancelled)]
    [InlineData(ReasonCodes.SsoUserNotLinked)]
    [InlineData(ReasonCodes.SsoRequired)]
    public async Task PersonalSsoReasons_DoNotCount(string reason)
    {
        await SsoFailureAsync(0);
        await SsoFailureAsync(1);

        var result = await SsoFailureAsync(2, reason: reason);

        Assert.Empty(result.Firings);
    }

    [Fact]
    public async Task UsersOfAnotherOrganization_DoNotCount()
    {
        await SsoFailureAsync(0);
        await SsoFailureAsync(1, org: Guid.NewGuid());

        var result = await SsoFailureAsync(2);

        Assert.Empty(result.Firings);
    }

    [Fact]
    public async Task FourthAndFifthUsers_AttachToTheOpenIncident_NoSecondIncident()
    {
        await SsoFailureAsync(0);
        await SsoFailureAsync(1);
        await SsoFailureAsync(2);

        var fourth = await SsoFailureAsync(3);
        var fifth = await SsoFailureAsync(40);

        var incident = Assert.Single(_h.Store.Incidents);
        Assert.Equal(incident.Id, fourth.AttachedTo?.Id);
        Assert.Equal(incident.Id, fifth.AttachedTo?.Id);
        Assert.Empty(fourth.Firings);
        Assert.Empty(fifth.Firings);
        Assert.Equal(2, incident.AttachedCount);
        Assert.Single(_h.Store.Firings);
        Assert.Single(_h.Store.Deliveries);
    }

    [Fact]
    public async Task AfterTheIncidentIsResolved_NewFailuresOpenANewOne()
    {
        await SsoFailureAsync(0);
        await SsoFailureAsync(1);
        await SsoFailureAsync(2);
        var first = Assert.Single(_h.Store.Incidents);
        await _h.Incidents.UpdateAsync(first.Id, first.Version, new IncidentChange { Status = IncidentStatus.Resolved }, new Signpost.Core.Audit.AuditActor("ops", null, null, null), CancellationToken.None);

        await SsoFailureAsync(60);
        await SsoFailureAsync(61);
        var result = await SsoFailureAsync(62);

        Assert.Equal(RaiseOutcome.Raised, Assert.Single(result.Firings).Result.Outcome);
        Assert.Equal(2, _h.Store.Incidents.Count);
        Assert.Single(_h.Store.Incidents, i => i.Status != IncidentStatus.Resolved);
    }
}

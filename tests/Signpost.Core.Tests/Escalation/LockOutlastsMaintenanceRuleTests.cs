using Signpost.Core.Escalation;
using Signpost.Core.Lockout;
using Signpost.Core.Maintenance;

namespace Signpost.Core.Tests.Escalation;

/// <summary>"The lock persists beyond the maintenance window it coincided with" — at and around each boundary.</summary>
public sealed class LockOutlastsMaintenanceRuleTests
{
    // A portal window 10:00–11:00 UTC; the user was locked at 09:50 for an hour.
    private static readonly DateTimeOffset WindowStart = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WindowEnd = WindowStart.AddHours(1);
    private static readonly DateTimeOffset LockedAt = WindowStart.AddMinutes(-10);
    private static readonly DateTimeOffset LockedUntil = LockedAt.AddHours(1).AddMinutes(20);
    private static readonly Guid Harbor = Guid.NewGuid();
    private static readonly Guid Elsewhere = Guid.NewGuid();

    private static MaintenanceWindow Window(MaintenanceScope scope = MaintenanceScope.Portal, Guid? org = null, DateTimeOffset? start = null, DateTimeOffset? end = null) => new()
    {
        StartsAt = start ?? WindowStart,
        EndsAt = end ?? WindowEnd,
        Scope = scope,
        OrganizationId = org,
        Message = "Claims database upgrade.",
        EnteredTimeZone = "UTC",
    };

    private static LockoutCounter Lock(DateTimeOffset? lockedAt = null, DateTimeOffset? until = null, string deviceKey = LockoutCounter.UntrustedKey) => new()
    {
        AccountId = Guid.Empty,
        DeviceKey = deviceKey,
        FailureCount = 5,
        WindowStartedAt = (lockedAt ?? LockedAt).AddMinutes(-3),
        LastFailureAt = lockedAt ?? LockedAt,
        LockedUntil = until ?? LockedUntil,
    };

    private static LockFacts Facts(LockoutCounter counter, params MaintenanceWindow[] windows) =>
        new(Guid.Parse("6d1f3a8e-0000-4000-8000-000000000001"), "dr.ivy", "Dr Ivy Park", [Harbor], counter, windows);

    [Fact]
    public void Evaluate_LockHoldsAtTheWindowsEnd_FiresWithEvidenceForPayerSupport()
    {
        // Arrange
        var window = Window();

        // Act
        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(Lock(), window), WindowEnd);

        // Assert
        Assert.True(decision.Fired);
        Assert.Equal(LockOutlastsMaintenanceRule.Id, decision.RuleId);
        var evidence = decision.Evidence!;
        Assert.Equal(EscalationTarget.PayerSupport, evidence.Target);
        Assert.Equal("dr.ivy", evidence.Username);
        Assert.Equal(LockoutCounter.UntrustedKey, evidence.DeviceKey);
        Assert.Equal(LockedAt, evidence.LockStartedAt);
        Assert.Equal(LockedUntil, evidence.LockedUntil);
        Assert.Same(window, evidence.Window);
        Assert.Equal(WindowEnd, evidence.WindowEndedAt);
    }

    [Fact]
    public void Evaluate_OneTickBeforeTheWindowEnds_NotFired()
    {
        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(Lock(), Window()), WindowEnd.AddTicks(-1));

        Assert.False(decision.Fired);
        Assert.Null(decision.Evidence);
        Assert.Contains("in force now", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_LockEndsWithTheWindow_NotFired()
    {
        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(Lock(until: WindowEnd), Window()), WindowEnd);

        Assert.False(decision.Fired);
    }

    [Fact]
    public void Evaluate_LockEndsOneTickAfterTheWindow_FiresAtTheEnd()
    {
        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(Lock(until: WindowEnd.AddTicks(1)), Window()), WindowEnd);

        Assert.True(decision.Fired);
    }

    [Fact]
    public void Evaluate_LockBeganAtTheWindowsEnd_DidNotCoincide()
    {
        var counter = Lock(lockedAt: WindowEnd, until: WindowEnd.AddHours(1));

        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(counter, Window()), WindowEnd.AddMinutes(5));

        Assert.False(decision.Fired);
        Assert.Contains("did not coincide", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_LockBeganOneTickBeforeTheEnd_Coincided()
    {
        var counter = Lock(lockedAt: WindowEnd.AddTicks(-1), until: WindowEnd.AddHours(1));

        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(counter, Window()), WindowEnd.AddMinutes(5));

        Assert.True(decision.Fired);
    }

    [Fact]
    public void Evaluate_NotLockedAnyMore_NotFired()
    {
        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(Lock(), Window()), LockedUntil);

        Assert.False(decision.Fired);
        Assert.Contains("not locked", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CancelledWindow_NeverHappened()
    {
        var window = Window();
        window.CancelledAt = WindowStart.AddDays(-1);

        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(Lock(), window), WindowEnd);

        Assert.False(decision.Fired);
    }

    [Fact]
    public void Evaluate_AnotherPracticesSsoWindow_DoesNotConcernTheAccount()
    {
        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(Lock(), Window(MaintenanceScope.OrganizationSso, Elsewhere)), WindowEnd);

        Assert.False(decision.Fired);
    }

    [Fact]
    public void Evaluate_OwnPracticesSsoWindow_Fires()
    {
        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(Lock(), Window(MaintenanceScope.OrganizationSso, Harbor)), WindowEnd);

        Assert.True(decision.Fired);
        Assert.Equal(MaintenanceScope.OrganizationSso, decision.Evidence!.Window.Scope);
    }

    [Fact]
    public void Evaluate_WindowClosedEarly_EndsAtTheClose()
    {
        // Closed at 10:30 though planned until 11:00: at 10:45 the maintenance is over and the lock is not.
        var window = Window();
        window.ClosedAt = WindowStart.AddMinutes(30);

        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(Lock(), window), WindowStart.AddMinutes(45));

        Assert.True(decision.Fired);
        Assert.Equal(WindowStart.AddMinutes(30), decision.Evidence!.WindowEndedAt);
    }

    [Fact]
    public void Evaluate_OverrunningWindow_CountsAsEndedAtItsPlannedEnd()
    {
        // Past its end and not closed: it no longer refuses sign-ins, so it no longer explains the lock.
        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(Lock(), Window()), WindowEnd.AddMinutes(5));

        Assert.True(decision.Fired);
        Assert.Equal(WindowEnd, decision.Evidence!.WindowEndedAt);
    }

    [Fact]
    public void Evaluate_AnotherWindowInForceNow_StillExplainedByMaintenance()
    {
        var next = Window(start: WindowEnd, end: WindowEnd.AddHours(1));

        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(Lock(), Window(), next), WindowEnd.AddMinutes(5));

        Assert.False(decision.Fired);
    }

    [Fact]
    public void Evaluate_TwoEndedWindows_NamesTheLatest()
    {
        var early = Window(start: LockedAt.AddMinutes(1), end: LockedAt.AddMinutes(5));
        var late = Window();

        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(Lock(), early, late), WindowEnd);

        Assert.Same(late, decision.Evidence!.Window);
    }

    [Fact]
    public void Evaluate_LockSetByHand_StartUnknown_NotFired()
    {
        // LockAsync (demo, support tools) records the lock's end as its last failure: no start to match.
        var counter = Lock(lockedAt: LockedUntil);

        var decision = LockOutlastsMaintenanceRule.Evaluate(Facts(counter, Window()), WindowEnd);

        Assert.False(decision.Fired);
        Assert.Null(LockOutlastsMaintenanceRule.LockStart(counter));
    }
}

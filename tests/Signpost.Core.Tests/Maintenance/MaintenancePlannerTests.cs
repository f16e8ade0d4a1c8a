using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Maintenance;
using Signpost.Core.Tests.Fakes;

namespace Signpost.Core.Tests.Maintenance;

public sealed class MaintenancePlannerTests
{
    // Monday 2026-03-02 09:00 UTC.
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryMaintenanceStore _store = new();
    private readonly MaintenancePlanner _planner;

    public MaintenancePlannerTests() => _planner = new MaintenancePlanner(_store, _time);

    /// <summary>What the banner announces, read the way the banner reads it.</summary>
    private async Task<IReadOnlyList<MaintenanceWindow>> NoticesAsync(TimeSpan leadTime) =>
        (await new MaintenanceBoard(_store, _time).ReadAsync(MaintenanceAudience.Everyone, CancellationToken.None)).NoticesWithin(leadTime);

    private static MaintenanceRequest Request(string start, string end, string zone = "UTC", MaintenanceScope scope = MaintenanceScope.Portal, Guid? org = null, string message = "Database upgrade") =>
        new(DateTime.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateTime.Parse(end, System.Globalization.CultureInfo.InvariantCulture), zone, scope, org, message, "test");

    [Fact]
    public async Task Schedule_LocalTimesInChicago_StoredAsUtc()
    {
        // Act: 06:00–08:00 in Chicago in winter is UTC−6.
        var window = await _planner.ScheduleAsync(Request("2026-03-05 06:00", "2026-03-05 08:00", "America/Chicago"), CancellationToken.None).Done();

        // Assert
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 12, 0, 0, TimeSpan.Zero), window.StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 14, 0, 0, TimeSpan.Zero), window.EndsAt);
        Assert.Equal("America/Chicago", window.EnteredTimeZone);
        Assert.Single(_store.All);
    }

    [Fact]
    public async Task Schedule_AcrossSpringForward_LastsOneHourLessOnTheWallClockThanInUtc()
    {
        // Arrange: clocks in Chicago jump from 02:00 to 03:00 on 2026-03-08.
        // Act: 01:00–04:00 local is only two real hours (07:00–09:00 UTC).
        var window = await _planner.ScheduleAsync(Request("2026-03-08 01:00", "2026-03-08 04:00", "America/Chicago"), CancellationToken.None).Done();

        // Assert
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero), window.StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 9, 0, 0, TimeSpan.Zero), window.EndsAt);
        Assert.Equal(TimeSpan.FromHours(2), window.EndsAt - window.StartsAt);
    }

    [Fact]
    public async Task Schedule_TimeInsideTheSpringGap_RefusedWithASentence()
    {
        var error = await AdminResults.RefusedAsync(_planner.ScheduleAsync(Request("2026-03-08 02:30", "2026-03-08 04:00", "America/Chicago"), CancellationToken.None));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Empty(_store.All);
    }

    [Fact]
    public async Task Schedule_TimeRepeatedInTheAutumn_RefusedWithASentence()
    {
        // Clocks in Chicago go back from 02:00 to 01:00 on 2026-11-01: 01:30 happens twice.
        var error = await AdminResults.RefusedAsync(_planner.ScheduleAsync(Request("2026-11-01 01:30", "2026-11-01 03:00", "America/Chicago"), CancellationToken.None));

        Assert.Contains("happens twice", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-03-05 08:00", "2026-03-05 06:00", "UTC", "end must be after the start")]
    [InlineData("2026-03-01 06:00", "2026-03-01 08:00", "UTC", "in the past")]
    [InlineData("2026-03-05 06:00", "2026-03-15 06:00", "UTC", "at most 7 days")]
    [InlineData("2026-03-05 06:00", "2026-03-05 08:00", "Mars/Olympus_Mons", "not a known IANA time zone")]
    public async Task Schedule_BadSpan_RefusedAndNothingStored(string start, string end, string zone, string expected)
    {
        var error = await AdminResults.RefusedAsync(_planner.ScheduleAsync(Request(start, end, zone), CancellationToken.None));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(_store.All);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bell\u0007")]
    public async Task Schedule_BadMessage_Refused(string message)
    {
        await AdminResults.RefusedAsync(_planner.ScheduleAsync(Request("2026-03-05 06:00", "2026-03-05 08:00", message: message), CancellationToken.None));
        Assert.Empty(_store.All);
    }

    [Fact]
    public async Task Schedule_SsoWindowWithoutOrganization_Refused()
    {
        var error = await AdminResults.RefusedAsync(_planner.ScheduleAsync(Request("2026-03-05 06:00", "2026-03-05 08:00", scope: MaintenanceScope.OrganizationSso), CancellationToken.None));
        Assert.Contains("organization", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_OverlappingSameScope_RefusedButOtherScopeAllowed()
    {
        await _planner.ScheduleAsync(Request("2026-03-05 06:00", "2026-03-05 08:00"), CancellationToken.None).Done();

        var error = await AdminResults.RefusedAsync(_planner.ScheduleAsync(Request("2026-03-05 07:00", "2026-03-05 09:00"), CancellationToken.None));
        var sso = await _planner.ScheduleAsync(Request("2026-03-05 07:00", "2026-03-05 09:00", scope: MaintenanceScope.OrganizationSso, org: Guid.NewGuid()), CancellationToken.None).Done();

        Assert.Contains("overlaps", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _store.All.Count);
        Assert.Equal(MaintenanceScope.OrganizationSso, sso.Scope);
    }

    [Fact]
    public async Task Window_ThroughItsLife_LeadTimeThenInForceThenOverrunningThenClosed()
    {
        // Arrange: 06:00–08:00 UTC on Friday (93 hours ahead), notices 72 hours ahead.
        var window = await _planner.ScheduleAsync(Request("2026-03-06 06:00", "2026-03-06 08:00"), CancellationToken.None).Done();
        var lead = TimeSpan.FromHours(72);

        // Before the lead time: nothing to announce.
        Assert.Empty(await NoticesAsync(lead));

        // Inside the lead time: announced, not in force.
        _time.SetUtcNow(window.StartsAt - TimeSpan.FromHours(71));
        Assert.Single(await NoticesAsync(lead));
        Assert.Empty(await _planner.AllInForceAsync(CancellationToken.None));

        // At the start: in force.
        _time.SetUtcNow(window.StartsAt);
        Assert.Equal(window.Id, Assert.Single(await _planner.AllInForceAsync(CancellationToken.None)).Id);

        // At the planned end: no longer refusing sign-ins, but overrunning until closed.
        _time.SetUtcNow(window.EndsAt);
        Assert.Empty(await _planner.AllInForceAsync(CancellationToken.None));
        var stored = await _store.FindAsync(window.Id, CancellationToken.None);
        Assert.True(stored!.IsOverrunning(_time.GetUtcNow()));

        await _planner.CloseAsync(window.Id, CancellationToken.None).Done();
        stored = await _store.FindAsync(window.Id, CancellationToken.None);
        Assert.False(stored!.IsOverrunning(_time.GetUtcNow()));
        Assert.Equal(window.EndsAt, stored.ClosedAt);
    }

    [Fact]
    public async Task Extend_WhileRunning_KeepsItInForceUntilTheNewEnd()
    {
        var window = await _planner.ScheduleAsync(Request("2026-03-05 06:00", "2026-03-05 08:00", "America/New_York"), CancellationToken.None).Done();
        _time.SetUtcNow(window.StartsAt + TimeSpan.FromMinutes(90));

        // Act: extend to 09:30 New York time (14:30 UTC), entered in the window's own zone.
        var extended = await _planner.ExtendAsync(window.Id, new DateTime(2026, 3, 5, 9, 30, 0), null, CancellationToken.None).Done();

        // Assert
        Assert.Equal(new DateTimeOffset(2026, 3, 5, 14, 30, 0, TimeSpan.Zero), extended.EndsAt);
        _time.SetUtcNow(window.EndsAt + TimeSpan.FromMinutes(30));
        Assert.Single(await _planner.AllInForceAsync(CancellationToken.None));
        _time.SetUtcNow(extended.EndsAt);
        Assert.Empty(await _planner.AllInForceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Extend_ToAnEarlierEnd_Refused()
    {
        var window = await _planner.ScheduleAsync(Request("2026-03-05 06:00", "2026-03-05 08:00"), CancellationToken.None).Done();

        var error = await AdminResults.RefusedAsync(_planner.ExtendAsync(window.Id, new DateTime(2026, 3, 5, 7, 0, 0), null, CancellationToken.None));

        Assert.Contains("later than the current end", error.Message, StringComparison.Ordinal);
        Assert.Equal(window.EndsAt, (await _store.FindAsync(window.Id, CancellationToken.None))!.EndsAt);
    }

    [Fact]
    public async Task Cancel_BeforeStart_StopsNoticesAndRefusesLaterChanges()
    {
        var window = await _planner.ScheduleAsync(Request("2026-03-05 06:00", "2026-03-05 08:00"), CancellationToken.None).Done();
        _time.SetUtcNow(window.StartsAt - TimeSpan.FromHours(1));

        await _planner.CancelAsync(window.Id, CancellationToken.None).Done();

        Assert.Empty(await NoticesAsync(TimeSpan.FromHours(72)));
        _time.SetUtcNow(window.StartsAt);
        Assert.Empty(await _planner.AllInForceAsync(CancellationToken.None));
        await AdminResults.RefusedAsync(_planner.ExtendAsync(window.Id, new DateTime(2026, 3, 5, 10, 0, 0), null, CancellationToken.None));
    }

    [Fact]
    public async Task Cancel_AfterStart_RefusedInFavourOfClose()
    {
        var window = await _planner.ScheduleAsync(Request("2026-03-05 06:00", "2026-03-05 08:00"), CancellationToken.None).Done();
        _time.SetUtcNow(window.StartsAt + TimeSpan.FromMinutes(1));

        var error = await AdminResults.RefusedAsync(_planner.CancelAsync(window.Id, CancellationToken.None));

        Assert.Contains("close it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InForce_SsoWindow_ConcernsOnlyItsOrganization()
    {
        var org = Guid.NewGuid();
        var window = await _planner.ScheduleAsync(Request("2026-03-05 06:00", "2026-03-05 08:00", scope: MaintenanceScope.OrganizationSso, org: org), CancellationToken.None).Done();
        _time.SetUtcNow(window.StartsAt);

        Assert.Single(await _planner.InForceAsync(org, CancellationToken.None));
        Assert.Empty(await _planner.InForceAsync(Guid.NewGuid(), CancellationToken.None));
        Assert.False(window.BlocksPasswordSignIn);
    }
}

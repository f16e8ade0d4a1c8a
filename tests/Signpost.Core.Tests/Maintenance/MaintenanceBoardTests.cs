using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Maintenance;
using Signpost.Core.Tests.Fakes;

namespace Signpost.Core.Tests.Maintenance;

/// <summary>What the status page and the banners are told: current, upcoming, recent, the state, and whose windows.</summary>
public sealed class MaintenanceBoardTests
{
    // Monday 2026-03-02 09:00 UTC.
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly InMemoryMaintenanceStore _store = new();
    private readonly MaintenancePlanner _planner;
    private readonly MaintenanceBoard _board;

    public MaintenanceBoardTests()
    {
        _planner = new MaintenancePlanner(_store, _time);
        _board = new MaintenanceBoard(_store, _time);
    }

    private Task<MaintenanceWindow> ScheduleAsync(double startHours, double endHours, MaintenanceScope scope = MaintenanceScope.Portal, Guid? org = null) =>
        _planner.ScheduleAsync(new MaintenanceRequest(
            _time.GetUtcNow().UtcDateTime.AddHours(startHours), _time.GetUtcNow().UtcDateTime.AddHours(endHours), "UTC", scope, org, "Work.", "test"), CancellationToken.None).Done();

    private Task<MaintenanceSnapshot> ReadAsync(MaintenanceAudience? audience = null) => _board.ReadAsync(audience ?? MaintenanceAudience.Everyone, CancellationToken.None);

    [Fact]
    public async Task Read_WindowThroughItsLife_ScheduledInProgressOverrunningCompleted()
    {
        // Arrange
        var window = await ScheduleAsync(1, 2);
        var phases = new List<(MaintenancePhase, MaintenanceState)>();

        // Act: before, at the start, at the planned end, then closed half an hour late.
        foreach (var step in new[] { TimeSpan.Zero, TimeSpan.FromHours(1), TimeSpan.FromHours(1), TimeSpan.FromMinutes(30) })
        {
            _time.Advance(step);
            var snapshot = await ReadAsync();
            phases.Add((snapshot.All.Single().PhaseAt(snapshot.Now), snapshot.State));
        }

        await _planner.CloseAsync(window.Id, CancellationToken.None).Done();
        var closed = await ReadAsync();

        // Assert
        Assert.Equal(
            [
                (MaintenancePhase.Scheduled, MaintenanceState.Normal),
                (MaintenancePhase.InProgress, MaintenanceState.InProgress),
                (MaintenancePhase.Overrunning, MaintenanceState.Overrunning),
                (MaintenancePhase.Overrunning, MaintenanceState.Overrunning),
            ],
            phases);
        Assert.Equal(MaintenanceState.Normal, closed.State);
        Assert.Equal(window.Id, Assert.Single(closed.Recent).Id);
        Assert.Equal(Now.AddHours(2.5), closed.Recent[0].ActualEndAt(closed.Now));
        Assert.Empty(closed.Current);
    }

    [Fact]
    public async Task Read_CancelledWindow_KeptForTheCalendarButNeitherUpcomingNorRecent()
    {
        var window = await ScheduleAsync(5, 6);
        await _planner.CancelAsync(window.Id, CancellationToken.None).Done();

        var snapshot = await ReadAsync();

        Assert.Equal(MaintenancePhase.Cancelled, Assert.Single(snapshot.All).PhaseAt(snapshot.Now));
        Assert.Empty(snapshot.Upcoming);
        Assert.Empty(snapshot.Recent);
    }

    [Fact]
    public async Task Read_Audience_SsoWindowsOnlyForTheirOrganizationOrEveryone()
    {
        // Arrange
        var oak = Guid.NewGuid();
        var elm = Guid.NewGuid();
        var portal = await ScheduleAsync(1, 2);
        var oakSso = await ScheduleAsync(3, 4, MaintenanceScope.OrganizationSso, oak);
        var elmSso = await ScheduleAsync(3, 4, MaintenanceScope.OrganizationSso, elm);

        // Act
        var everyone = await ReadAsync();
        var oakOnly = await ReadAsync(MaintenanceAudience.Of([oak]));
        var nobody = await ReadAsync(MaintenanceAudience.Of([]));

        // Assert
        Assert.Equal(new[] { portal.Id, oakSso.Id, elmSso.Id }.Order(), everyone.Upcoming.Select(w => w.Id).Order());
        Assert.Equal([portal.Id, oakSso.Id], oakOnly.Upcoming.Select(w => w.Id));
        Assert.Equal([portal.Id], nobody.Upcoming.Select(w => w.Id));
    }

    [Theory]
    [InlineData(72, 71.9, true)]
    [InlineData(72, 72, true)]
    [InlineData(72, 72.1, false)]
    [InlineData(24, 30, false)]
    [InlineData(0, 0.5, false)]
    public async Task NoticesWithin_LeadTime_AnnouncesOnlyWindowsStartingInsideIt(int leadHours, double startsInHours, bool announced)
    {
        await ScheduleAsync(startsInHours, startsInHours + 1);

        var notices = (await ReadAsync()).NoticesWithin(TimeSpan.FromHours(leadHours));

        Assert.Equal(announced, notices.Count == 1);
    }

    [Fact]
    public async Task NoticesWithin_RunningAndOverrunningWindows_AlwaysAnnounced()
    {
        var running = await ScheduleAsync(0, 1, MaintenanceScope.SignIn);
        var overrunning = await ScheduleAsync(0, 0.5);
        _time.Advance(TimeSpan.FromMinutes(45));

        var notices = (await ReadAsync()).NoticesWithin(TimeSpan.Zero);

        Assert.Equal(new[] { overrunning.Id, running.Id }.Order(), notices.Select(w => w.Id).Order());
        Assert.Equal(MaintenancePhase.Overrunning, notices.Single(w => w.Id == overrunning.Id).PhaseAt(_time.GetUtcNow()));
    }
}

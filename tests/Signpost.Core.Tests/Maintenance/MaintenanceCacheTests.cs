using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Maintenance;
using Signpost.Core.Tests.Fakes;

namespace Signpost.Core.Tests.Maintenance;

/// <summary>
/// The node's copy of the windows (docs/maintenance.md, "How soon a change takes effect"): used for at most
/// its bound, emptied by every change planned on this node, and never blind to a window that starts while
/// the copy is in use.
/// </summary>
public sealed class MaintenanceCacheTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryMaintenanceStore _store = new();
    private readonly MaintenanceCache _cache;
    private readonly MaintenancePlanner _planner;

    public MaintenanceCacheTests()
    {
        _cache = new MaintenanceCache(_time, Bound);
        _planner = new MaintenancePlanner(_store, _time, _cache);
    }

    private static MaintenanceWindow Window(DateTimeOffset start, DateTimeOffset end) =>
        new() { StartsAt = start, EndsAt = end, Scope = MaintenanceScope.Portal, Message = "Upgrade", EnteredTimeZone = "UTC" };

    [Fact]
    public async Task WindowStartingWhileTheCopyIsInUse_InForceFromItsStart()
    {
        // Arrange: the copy is read now; a window already in the store starts two seconds later.
        var window = Window(Start.AddSeconds(2), Start.AddHours(1));
        await _store.AddAsync(window, CancellationToken.None);
        Assert.Empty(await _planner.AllInForceAsync(CancellationToken.None));

        // Act
        _time.Advance(TimeSpan.FromSeconds(2));
        var inForce = await _planner.AllInForceAsync(CancellationToken.None);

        // Assert
        Assert.Equal(window.Id, Assert.Single(inForce).Id);
    }

    [Fact]
    public async Task StoreWriteFromElsewhere_SeenAtTheBound_NotBefore()
    {
        // Arrange
        Assert.Empty(await _planner.AllInForceAsync(CancellationToken.None));
        await _store.AddAsync(Window(Start, Start.AddHours(1)), CancellationToken.None);

        // Act
        var atOnce = await _planner.AllInForceAsync(CancellationToken.None);
        _time.Advance(Bound - TimeSpan.FromTicks(1));
        var justBefore = await _planner.AllInForceAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromTicks(1));
        var atBound = await _planner.AllInForceAsync(CancellationToken.None);

        // Assert
        Assert.Empty(atOnce);
        Assert.Empty(justBefore);
        Assert.Single(atBound);
    }

    [Fact]
    public async Task ScheduleExtendCloseOnThisNode_EachSeenAtOnce()
    {
        // Arrange: the copy is read now.
        Assert.Empty(await _planner.AllInForceAsync(CancellationToken.None));

        // Act + Assert: scheduled from now — in force at once.
        var window = await _planner.ScheduleAsync(
            new MaintenanceRequest(Start.UtcDateTime, Start.AddMinutes(10).UtcDateTime, "UTC", MaintenanceScope.SignIn, null, "Upgrade", "test"), CancellationToken.None).Done();
        Assert.Equal(window.Id, Assert.Single(await _planner.AllInForceAsync(CancellationToken.None)).Id);

        // Closed — over at once, although the copy read a moment ago still had it open.
        _time.Advance(TimeSpan.FromSeconds(1));
        await _planner.CloseAsync(window.Id, CancellationToken.None).Done();
        Assert.Empty(await _planner.AllInForceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task BoundZero_ReadsTheStoreAtEveryCall()
    {
        // Arrange
        var planner = new MaintenancePlanner(_store, _time, new MaintenanceCache(_time, TimeSpan.Zero));
        Assert.Empty(await planner.AllInForceAsync(CancellationToken.None));

        // Act
        await _store.AddAsync(Window(Start, Start.AddHours(1)), CancellationToken.None);

        // Assert
        Assert.Single(await planner.AllInForceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Board_StoreWriteFromElsewhere_SeenAtTheBound_NotBefore()
    {
        // Arrange: the board's copy is read now; another node then schedules a window for tomorrow.
        var board = new MaintenanceBoard(_store, _time, _cache);
        Assert.Empty((await board.ReadAsync(MaintenanceAudience.Everyone, CancellationToken.None)).All);
        await _store.AddAsync(Window(Start.AddDays(1), Start.AddDays(1).AddHours(1)), CancellationToken.None);

        // Act
        var atOnce = await board.ReadAsync(MaintenanceAudience.Everyone, CancellationToken.None);
        _time.Advance(Bound - TimeSpan.FromTicks(1));
        var justBefore = await board.ReadAsync(MaintenanceAudience.Everyone, CancellationToken.None);
        _time.Advance(TimeSpan.FromTicks(1));
        var atBound = await board.ReadAsync(MaintenanceAudience.Everyone, CancellationToken.None);

        // Assert
        Assert.Empty(atOnce.Upcoming);
        Assert.Empty(justBefore.Upcoming);
        Assert.Single(atBound.Upcoming);
    }

    [Fact]
    public async Task Board_ScheduleAndCancelOnThisNode_EachSeenAtOnce()
    {
        // Arrange: the board's copy is read now.
        var board = new MaintenanceBoard(_store, _time, _cache);
        Assert.Empty((await board.ReadAsync(MaintenanceAudience.Everyone, CancellationToken.None)).All);

        // Act + Assert: scheduled on this node — on the board at once.
        var window = await _planner.ScheduleAsync(
            new MaintenanceRequest(Start.AddHours(2).UtcDateTime, Start.AddHours(3).UtcDateTime, "UTC", MaintenanceScope.Portal, null, "Upgrade", "test"), CancellationToken.None).Done();
        Assert.Equal(window.Id, Assert.Single((await board.ReadAsync(MaintenanceAudience.Everyone, CancellationToken.None)).Upcoming).Id);

        // Cancelled on this node — off the upcoming list at once, still listed (the calendar feed tells of it).
        await _planner.CancelAsync(window.Id, CancellationToken.None).Done();
        var after = await board.ReadAsync(MaintenanceAudience.Everyone, CancellationToken.None);
        Assert.Empty(after.Upcoming);
        Assert.NotNull(Assert.Single(after.All).CancelledAt);
    }

    [Fact]
    public async Task Board_WindowStartingWhileTheCopyIsInUse_RunsFromItsStart()
    {
        // Arrange: a window two seconds ahead, read into the copy while it is still upcoming.
        var board = new MaintenanceBoard(_store, _time, _cache);
        var window = Window(Start.AddSeconds(2), Start.AddHours(1));
        await _store.AddAsync(window, CancellationToken.None);
        Assert.Single((await board.ReadAsync(MaintenanceAudience.Everyone, CancellationToken.None)).Upcoming);

        // Act: two seconds on, within the bound (no new read).
        _time.Advance(TimeSpan.FromSeconds(2));
        var snapshot = await board.ReadAsync(MaintenanceAudience.Everyone, CancellationToken.None);

        // Assert: the phase is worked out at the current instant, from the copy.
        Assert.Equal(window.Id, Assert.Single(snapshot.Current).Id);
        Assert.Equal(MaintenanceState.InProgress, snapshot.State);
    }

    [Fact]
    public async Task FreshBoard_AnswersWhatTheBoardWouldFromTheCopy_NullWhenOnlyTheStoreCan()
    {
        // Arrange: one window tomorrow; no copy yet.
        var board = new MaintenanceBoard(_store, _time, _cache);
        var window = Window(Start.AddDays(1), Start.AddDays(1).AddHours(1));
        await _store.AddAsync(window, CancellationToken.None);
        var beforeAnyRead = _cache.FreshBoard(MaintenanceBoard.History, MaintenanceBoard.Horizon);
        await board.ReadAsync(MaintenanceAudience.Everyone, CancellationToken.None);

        // Act
        var fresh = _cache.FreshBoard(MaintenanceBoard.History, MaintenanceBoard.Horizon);
        var shortHorizon = _cache.FreshBoard(MaintenanceBoard.History, TimeSpan.FromHours(1));
        _time.Advance(Bound);
        var atBound = _cache.FreshBoard(MaintenanceBoard.History, MaintenanceBoard.Horizon);
        await board.ReadAsync(MaintenanceAudience.Everyone, CancellationToken.None);
        _cache.Invalidate();
        var afterAChangeHere = _cache.FreshBoard(MaintenanceBoard.History, MaintenanceBoard.Horizon);

        // Assert: the copy's windows cut to the span asked, as the store would; nothing once the copy is stale or emptied.
        Assert.Null(beforeAnyRead);
        Assert.Equal(window.Id, Assert.Single(fresh!).Id);
        Assert.Empty(shortHorizon!);
        Assert.Null(atBound);
        Assert.Null(afterAChangeHere);
        Assert.Null(new MaintenanceCache(_time, TimeSpan.Zero).FreshBoard(MaintenanceBoard.History, MaintenanceBoard.Horizon));
    }

    [Fact]
    public void AnyNoticeWithin_AWindowInsideTheLeadTime_IsANotice()
    {
        MaintenanceWindow[] windows = [Window(Start.AddHours(30), Start.AddHours(31))];

        Assert.True(MaintenanceBoard.AnyNoticeWithin(windows, Start, TimeSpan.FromHours(48)));
        Assert.False(MaintenanceBoard.AnyNoticeWithin(windows, Start, TimeSpan.FromHours(24)));
        Assert.False(MaintenanceBoard.AnyNoticeWithin([], Start, TimeSpan.FromHours(48)));
    }
}

using System.Net;
using AngleSharp.Dom;
using Signpost.Core.Maintenance;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Maintenance;

/// <summary>/status without sign-in: normal, in progress, overrunning, upcoming, and the last 90 days.</summary>
public sealed class StatusPageTests : IAsyncLifetime
{
    private readonly MaintenanceApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task StatusPage_NoWindows_SaysNormalWithNothingPlannedAndAnEmptyStrip()
    {
        // Arrange
        using var anonymous = _app.CreateBrowser();

        // Act
        var (response, page) = await anonymous.GetPageAsync("/status");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var state = page.QuerySelector("[data-testid=status-state]")!;
        Assert.Equal("normal", state.GetAttribute("data-state"));
        Assert.Contains("No maintenance in progress", state.TextContent, StringComparison.Ordinal);
        Assert.Contains("As of 2026-03-02 09:00 UTC", state.TextContent, StringComparison.Ordinal);
        Assert.Equal("None planned.", page.QuerySelector("[data-testid=status-upcoming-none]")!.TextContent);
        Assert.NotNull(page.QuerySelector("[data-testid=status-history-none]"));
        var days = Days(page);
        Assert.Equal(90, days.Count);
        Assert.Equal("2025-12-03", days[0].Day);
        Assert.Equal("2026-03-02", days[^1].Day);
        Assert.All(days, d => Assert.Equal(0, d.Minutes));
        Assert.Equal("No maintenance in the last 90 days.", page.QuerySelector("[data-testid=status-strip] desc")!.TextContent);
    }

    [Fact]
    public async Task StatusPage_WindowAhead_ListsItAsUpcomingWhileStateStaysNormal()
    {
        // Arrange
        var window = await _app.ScheduleAsync(TimeSpan.FromDays(5), TimeSpan.FromDays(5) + TimeSpan.FromHours(2), message: "Directory upgrade.");
        using var anonymous = _app.CreateBrowser();

        // Act
        var (_, page) = await anonymous.GetPageAsync("/status");

        // Assert
        Assert.Equal("normal", page.QuerySelector("[data-testid=status-state]")!.GetAttribute("data-state"));
        var row = Assert.Single(page.QuerySelectorAll("[data-testid=status-upcoming] tbody tr"));
        Assert.Equal(window.Id.ToString(), row.GetAttribute("data-window-id"));
        Assert.Contains("The provider portal (sign-in included)", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Sat 7 Mar 2026, 09:00–11:00 UTC", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Directory upgrade.", row.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusPage_DuringWindow_SaysInProgressWithExpectedEnd()
    {
        // Arrange
        var window = await _app.ScheduleAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(3), MaintenanceScope.SignIn, message: "Sign-in server move.");
        _app.Clock.Advance(TimeSpan.FromHours(2));
        using var anonymous = _app.CreateBrowser();

        // Act
        var (_, page) = await anonymous.GetPageAsync("/status");

        // Assert
        var state = page.QuerySelector("[data-testid=status-state]")!;
        Assert.Equal("in_progress", state.GetAttribute("data-state"));
        Assert.Contains("Maintenance in progress", state.TextContent, StringComparison.Ordinal);
        var current = Assert.Single(state.QuerySelectorAll("[data-testid=status-current]"));
        Assert.Equal(window.Id.ToString(), current.GetAttribute("data-window-id"));
        Assert.Contains("Sign-in to the provider portal is unavailable now for planned maintenance, expected to end at 2026-03-02 12:00 UTC.", current.TextContent, StringComparison.Ordinal);
        Assert.Contains("Sign-in server move.", state.TextContent, StringComparison.Ordinal);
        Assert.Equal("in_progress", page.QuerySelector($"[data-testid=status-history] tr[data-window-id='{window.Id}']")!.GetAttribute("data-phase"));
    }

    [Fact]
    public async Task StatusPage_PastPlannedEndNotClosed_SaysOverrunningUntilClosed()
    {
        // Arrange: planned 10:00–12:00, now 12:30 and nobody has declared the work finished.
        var window = await _app.ScheduleAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(3));
        _app.Clock.Advance(TimeSpan.FromHours(3.5));
        using var anonymous = _app.CreateBrowser();

        // Act
        var (_, overrunning) = await anonymous.GetPageAsync("/status");
        await _app.CloseAsync(window.Id);
        var (_, closed) = await anonymous.GetPageAsync("/status");

        // Assert: overrunning says so, with the planned end …
        var state = overrunning.QuerySelector("[data-testid=status-state]")!;
        Assert.Equal("overrunning", state.GetAttribute("data-state"));
        Assert.Contains("Maintenance is taking longer than planned", state.TextContent, StringComparison.Ordinal);
        Assert.Contains("was planned to be back at 2026-03-02 12:00 UTC", state.TextContent, StringComparison.Ordinal);
        Assert.Contains("Not yet: overrunning by 30 min", overrunning.QuerySelector("[data-testid=status-history]")!.TextContent, StringComparison.Ordinal);

        // … and once closed the state is normal and the history shows the overrun.
        Assert.Equal("normal", closed.QuerySelector("[data-testid=status-state]")!.GetAttribute("data-state"));
        var row = closed.QuerySelector($"[data-testid=status-history] tr[data-window-id='{window.Id}']")!;
        Assert.Equal("completed", row.GetAttribute("data-phase"));
        Assert.Contains("2026-03-02 12:30 UTC (30 min past the plan)", row.TextContent, StringComparison.Ordinal);
        var today = Days(closed)[^1];
        Assert.Equal(("2026-03-02", 150), (today.Day, today.Minutes));
    }

    [Fact]
    public async Task StatusPage_WindowsOverDays_DrawOneBarPerDayWithTheSameFactsInTheTable()
    {
        // Arrange: a 2-hour window 30 days ago, closed on time; a 1-hour one 10 days ago, closed 30 minutes late.
        var first = await _app.ScheduleAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(3));
        _app.Clock.Advance(TimeSpan.FromHours(3));
        await _app.CloseAsync(first.Id);
        _app.Clock.Advance(TimeSpan.FromDays(20));
        var second = await _app.ScheduleAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(2), MaintenanceScope.SignIn);
        _app.Clock.Advance(TimeSpan.FromHours(2.5));
        await _app.CloseAsync(second.Id);
        _app.Clock.Advance(TimeSpan.FromDays(10));
        using var anonymous = _app.CreateBrowser();

        // Act
        var (_, page) = await anonymous.GetPageAsync("/status");

        // Assert: the bars
        var withMaintenance = Days(page).Where(d => d.Minutes > 0).ToList();
        Assert.Equal([("2026-03-02", 120), ("2026-03-22", 90)], withMaintenance.Select(d => (d.Day, d.Minutes)));
        var overrunDay = page.QuerySelector("[data-testid=status-strip] g[data-day='2026-03-22']")!;
        Assert.Equal("2026-03-22: maintenance 1 h 30 min, 30 min past the planned end", overrunDay.QuerySelector("title")!.TextContent);
        Assert.Equal(2, overrunDay.QuerySelectorAll("rect").Length);
        Assert.Equal("2 of the last 90 days had maintenance; the table below lists each window.", page.QuerySelector("[data-testid=status-strip] desc")!.TextContent);
        Assert.Equal("img", page.QuerySelector("[data-testid=status-strip]")!.GetAttribute("role"));

        // Assert: the table, most recent first
        var rows = page.QuerySelectorAll("[data-testid=status-history] tbody tr");
        Assert.Equal([second.Id.ToString(), first.Id.ToString()], rows.Select(r => r.GetAttribute("data-window-id")));
        Assert.Contains("2026-03-22 14:30 UTC (30 min past the plan)", rows[0].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusPage_UnknownOrganization_404()
    {
        using var anonymous = _app.CreateBrowser();

        var response = await anonymous.GetAsync("/status?org=no-such-practice");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static List<(string Day, int Minutes)> Days(IDocument page) =>
        page.QuerySelectorAll("[data-testid=status-strip] g[data-day]")
            .Select(g => (g.GetAttribute("data-day")!, int.Parse(g.GetAttribute("data-minutes")!, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
}

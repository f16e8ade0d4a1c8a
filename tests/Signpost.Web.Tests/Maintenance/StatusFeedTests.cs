using System.Net;
using System.Text.Json;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Signpost.Core.Maintenance;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Maintenance;

/// <summary>/status.json and /status.ics: current state, upcoming and recent windows, the <c>?org=</c> filter.</summary>
public sealed class StatusFeedTests : IAsyncLifetime
{
    private readonly MaintenanceApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Json_DuringWindow_CurrentUpcomingAndRecentWithStableFieldsInUtc()
    {
        // Arrange: one window finished yesterday, one running now, one next week.
        var past = await _app.ScheduleAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(2), MaintenanceScope.SignIn, message: "Past work.");
        _app.Clock.Advance(TimeSpan.FromHours(2));
        await _app.CloseAsync(past.Id);
        _app.Clock.Advance(TimeSpan.FromDays(1));
        var running = await _app.ScheduleAsync(TimeSpan.Zero, TimeSpan.FromHours(2), message: "Running work.");
        var next = await _app.ScheduleAsync(TimeSpan.FromDays(7), TimeSpan.FromDays(7) + TimeSpan.FromHours(1), message: "Next week.");
        _app.Clock.Advance(TimeSpan.FromMinutes(30));
        using var anonymous = _app.CreateBrowser();

        // Act
        var response = await anonymous.GetAsync("/status.json");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var body = await TestBrowser.JsonAsync(response);
        Assert.Equal(
            ["generatedAt", "state", "organization", "current", "upcoming", "recent", "statusPage", "calendar"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-03-03T11:30:00Z", body.GetProperty("generatedAt").GetString());
        Assert.Equal("in_progress", body.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("organization").ValueKind);
        Assert.Equal("https://signpost.test/status", body.GetProperty("statusPage").GetString());
        Assert.Equal("https://signpost.test/status.ics", body.GetProperty("calendar").GetString());

        var current = Assert.Single(body.GetProperty("current").EnumerateArray());
        Assert.Equal(
            ["id", "scope", "organization", "phase", "startsAt", "endsAt", "closedAt", "cancelledAt", "message"],
            current.EnumerateObject().Select(p => p.Name));
        Assert.Equal(running.Id, current.GetProperty("id").GetGuid());
        Assert.Equal("portal", current.GetProperty("scope").GetString());
        Assert.Equal("in_progress", current.GetProperty("phase").GetString());
        Assert.Equal("2026-03-03T11:00:00Z", current.GetProperty("startsAt").GetString());
        Assert.Equal("2026-03-03T13:00:00Z", current.GetProperty("endsAt").GetString());
        Assert.Equal(JsonValueKind.Null, current.GetProperty("closedAt").ValueKind);
        Assert.Equal("Running work.", current.GetProperty("message").GetString());

        var upcoming = Assert.Single(body.GetProperty("upcoming").EnumerateArray());
        Assert.Equal((next.Id, "scheduled", "2026-03-10T11:00:00Z"),
            (upcoming.GetProperty("id").GetGuid(), upcoming.GetProperty("phase").GetString(), upcoming.GetProperty("startsAt").GetString()));

        var recent = Assert.Single(body.GetProperty("recent").EnumerateArray());
        Assert.Equal((past.Id, "sign-in", "completed", "2026-03-02T11:00:00Z"),
            (recent.GetProperty("id").GetGuid(), recent.GetProperty("scope").GetString(), recent.GetProperty("phase").GetString(), recent.GetProperty("closedAt").GetString()));
    }

    [Fact]
    public async Task Json_PastPlannedEndNotClosed_StateOverrunning()
    {
        var window = await _app.ScheduleAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        _app.Clock.Advance(TimeSpan.FromHours(4));
        using var anonymous = _app.CreateBrowser();

        var body = await TestBrowser.JsonAsync(await anonymous.GetAsync("/status.json"));

        Assert.Equal("overrunning", body.GetProperty("state").GetString());
        var current = Assert.Single(body.GetProperty("current").EnumerateArray());
        Assert.Equal((window.Id, "overrunning"), (current.GetProperty("id").GetGuid(), current.GetProperty("phase").GetString()));
    }

    [Fact]
    public async Task Calendar_WindowExtendedAndAnotherCancelled_SameUidNewEndAndCancelledStatus()
    {
        // Arrange
        var kept = await _app.ScheduleAsync(TimeSpan.FromDays(1), TimeSpan.FromDays(1) + TimeSpan.FromHours(2), message: "Storage upgrade.");
        var dropped = await _app.ScheduleAsync(TimeSpan.FromDays(2), TimeSpan.FromDays(2) + TimeSpan.FromHours(1), MaintenanceScope.SignIn, message: "Not needed after all.");
        using var anonymous = _app.CreateBrowser();
        var before = await CalendarAsync(anonymous, "/status.ics");

        // Act
        await _app.ExtendAsync(kept.Id, kept.EndsAt.AddHours(1));
        await _app.CancelAsync(dropped.Id);
        var after = await CalendarAsync(anonymous, "/status.ics");

        // Assert: the same two events, by UID; the extension moved the end, the cancellation is marked.
        Assert.Equal(before.Events.Select(e => e.Uid).Order(), after.Events.Select(e => e.Uid).Order());
        var keptEvent = after.Events.Single(e => e.Uid == $"maintenance-{kept.Id:D}@signpost");
        Assert.Equal(new DateTime(2026, 3, 3, 9, 0, 0, DateTimeKind.Utc), keptEvent.Start!.AsUtc);
        Assert.Equal(new DateTime(2026, 3, 3, 12, 0, 0, DateTimeKind.Utc), keptEvent.End!.AsUtc);
        Assert.Equal("CONFIRMED", keptEvent.Status);
        Assert.Equal("Planned maintenance: the provider portal (sign-in included)", keptEvent.Summary);
        Assert.Contains("Storage upgrade.", keptEvent.Description, StringComparison.Ordinal);
        Assert.Contains("https://signpost.test/status", keptEvent.Description, StringComparison.Ordinal);
        var droppedEvent = after.Events.Single(e => e.Uid == $"maintenance-{dropped.Id:D}@signpost");
        Assert.Equal("CANCELLED", droppedEvent.Status);
        Assert.Equal("CONFIRMED", before.Events.Single(e => e.Uid == droppedEvent.Uid).Status);
    }

    [Fact]
    public async Task Calendar_Response_IsTextCalendarWithCrlfLines()
    {
        await _app.ScheduleAsync(TimeSpan.FromDays(1), TimeSpan.FromDays(1) + TimeSpan.FromHours(2));
        using var anonymous = _app.CreateBrowser();

        var response = await anonymous.GetAsync("/status.ics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nMETHOD:PUBLISH\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nDTSTART:20260303T090000Z\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nX-WR-CALNAME:Signpost maintenance\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feeds_OrgFilter_KeepOnlyThatPracticesSsoWindowsAndEveryPortalWindow()
    {
        // Arrange: a portal window, and an SSO window for each of two practices.
        var mine = await _app.CreateOrganizationAsync(TestAccounts.Unique("oak"), "Oak Pediatrics");
        var theirs = await _app.CreateOrganizationAsync(TestAccounts.Unique("elm"), "Elm Cardiology");
        var portal = await _app.ScheduleAsync(TimeSpan.FromDays(1), TimeSpan.FromDays(1) + TimeSpan.FromHours(1));
        var mySso = await _app.ScheduleAsync(TimeSpan.FromDays(2), TimeSpan.FromDays(2) + TimeSpan.FromHours(1), MaintenanceScope.OrganizationSso, mine.Id, "Oak's identity provider moves.");
        var theirSso = await _app.ScheduleAsync(TimeSpan.FromDays(3), TimeSpan.FromDays(3) + TimeSpan.FromHours(1), MaintenanceScope.OrganizationSso, theirs.Id, "Elm's identity provider moves.");
        using var anonymous = _app.CreateBrowser();

        // Act
        var filtered = await TestBrowser.JsonAsync(await anonymous.GetAsync($"/status.json?org={mine.Slug}"));
        var everyone = await TestBrowser.JsonAsync(await anonymous.GetAsync("/status.json"));
        var calendar = await CalendarAsync(anonymous, $"/status.ics?org={mine.Slug}");

        // Assert: filtered to Oak, named; Elm's SSO window is not there.
        Assert.Equal(mine.Slug, filtered.GetProperty("organization").GetProperty("slug").GetString());
        Assert.Equal("America/Chicago", filtered.GetProperty("organization").GetProperty("timeZone").GetString());
        Assert.Equal($"https://signpost.test/status.ics?org={mine.Slug}", filtered.GetProperty("calendar").GetString());
        var upcoming = filtered.GetProperty("upcoming").EnumerateArray().ToList();
        Assert.Equal([portal.Id, mySso.Id], upcoming.Select(w => w.GetProperty("id").GetGuid()));
        Assert.Equal(mine.Slug, upcoming[1].GetProperty("organization").GetString());
        Assert.Equal("sso", upcoming[1].GetProperty("scope").GetString());

        // Unfiltered: every window, SSO ones without naming their practice.
        var all = everyone.GetProperty("upcoming").EnumerateArray().ToList();
        Assert.Equal([portal.Id, mySso.Id, theirSso.Id], all.Select(w => w.GetProperty("id").GetGuid()));
        Assert.All(all, w => Assert.Equal(JsonValueKind.Null, w.GetProperty("organization").ValueKind));

        // The calendar applies the same filter, and names the practice.
        Assert.Equal([$"maintenance-{portal.Id:D}@signpost", $"maintenance-{mySso.Id:D}@signpost"], calendar.Events.Select(e => e.Uid));
        var ssoEvent = calendar.Events.Last();
        Assert.Equal("Planned maintenance: single sign-on for Oak Pediatrics", ssoEvent.Summary);
        Assert.Contains("Signing in with a password keeps working.", ssoEvent.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/status.json?org=no-such-practice")]
    [InlineData("/status.ics?org=no-such-practice")]
    [InlineData("/status.json?org=NOT%20A%20SLUG")]
    public async Task Feeds_UnknownOrganization_404SayingSo(string path)
    {
        using var anonymous = _app.CreateBrowser();

        var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("No practice has that slug.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN:VCALENDAR", text, StringComparison.Ordinal);
    }

    private static async Task<Calendar> CalendarAsync(TestBrowser browser, string path)
    {
        var response = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Calendar.Load(await response.Content.ReadAsStringAsync())!;
    }
}

using System.Net;
using AngleSharp.Dom;
using Signpost.Core.Maintenance;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Maintenance;

/// <summary>
/// The maintenance banner on the sign-in pages and the home page: from the lead time before a window until
/// its work is finished, for the windows that concern the reader.
/// </summary>
public sealed class MaintenanceNoticeTests : IAsyncLifetime
{
    private readonly MaintenanceApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SignInPage_BeforeLeadTime_NoBannerThenBannerOnceInsideIt()
    {
        // Arrange: a window 80 hours ahead; the banner appears 72 hours before it.
        var window = await _app.ScheduleAsync(TimeSpan.FromHours(80), TimeSpan.FromHours(82), message: "Claims database upgrade.");
        using var anonymous = _app.CreateBrowser();

        // Act
        var (_, early) = await anonymous.GetPageAsync("/sign-in");
        _app.Clock.Advance(TimeSpan.FromHours(7) + TimeSpan.FromMinutes(59));
        var (_, justBefore) = await anonymous.GetPageAsync("/sign-in");
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        var (_, inside) = await anonymous.GetPageAsync("/sign-in");

        // Assert
        Assert.Null(early.QuerySelector("[data-testid=maintenance-notice]"));
        Assert.Null(justBefore.QuerySelector("[data-testid=maintenance-notice]"));
        var notice = Banner(inside);
        Assert.Equal("scheduled", notice.GetAttribute("data-phase"));
        Assert.Equal("Planned maintenance", notice.QuerySelector("h2")!.TextContent);
        var item = Assert.Single(notice.QuerySelectorAll("[data-testid=maintenance-window]"));
        Assert.Equal(window.Id.ToString(), item.GetAttribute("data-window-id"));
        Assert.Contains("The provider portal (sign-in included) will be unavailable for planned maintenance.", item.TextContent, StringComparison.Ordinal);
        Assert.Equal("Thu 5 Mar 2026, 17:00–19:00 UTC", item.QuerySelector("[data-testid=maintenance-utc]")!.TextContent);
        Assert.Empty(item.QuerySelectorAll("[data-testid=maintenance-local]"));
        Assert.Equal("Claims database upgrade.", item.QuerySelector("[data-testid=maintenance-message]")!.TextContent.Trim());
        Assert.Equal("/status", notice.QuerySelector("a")!.GetAttribute("href"));
        Assert.Null(notice.QuerySelector("[data-testid=downtime-procedure-link]"));
    }

    [Fact]
    public async Task SignInPage_LeadTimeConfigured_UsesIt()
    {
        // Arrange: a 24-hour lead time, a window 30 hours ahead.
        await using var app = new MaintenanceApp { NoticeLeadHours = 24 };
        await app.ScheduleAsync(TimeSpan.FromHours(30), TimeSpan.FromHours(31));
        using var anonymous = app.CreateBrowser();

        // Act
        var (_, outside) = await anonymous.GetPageAsync("/sign-in");
        app.Clock.Advance(TimeSpan.FromHours(6));
        var (_, inside) = await anonymous.GetPageAsync("/sign-in");

        // Assert
        Assert.Null(outside.QuerySelector("[data-testid=maintenance-notice]"));
        Assert.Equal("scheduled", Banner(inside).GetAttribute("data-phase"));
    }

    [Fact]
    public async Task SignInPage_DuringWindow_BannerSaysInProgressAndSignInShowsMaintenance()
    {
        // Arrange
        var account = await _app.CreateAccountAsync(TestAccounts.Unique("rue"), null);
        await _app.ScheduleAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(3), MaintenanceScope.SignIn, message: "Sign-in server move.");
        _app.Clock.Advance(TimeSpan.FromHours(1.5));
        using var anonymous = _app.CreateBrowser();

        // Act
        var (_, page) = await anonymous.GetPageAsync("/sign-in");
        var attempt = await anonymous.SignInAsync(account.Username, TestAccounts.Password);
        var after = await TestBrowser.ParseAsync(attempt);

        // Assert: the banner before any attempt …
        var notice = Banner(page);
        Assert.Equal("in_progress", notice.GetAttribute("data-phase"));
        Assert.Equal("alert", notice.GetAttribute("class"));
        Assert.Equal("Maintenance in progress", notice.QuerySelector("h2")!.TextContent);
        Assert.Contains("Sign-in to the provider portal is unavailable now for planned maintenance, expected to end at 2026-03-02 12:00 UTC.", notice.TextContent, StringComparison.Ordinal);

        // … and the right password answered with the maintenance reason, the banner still there.
        Assert.Equal(HttpStatusCode.OK, attempt.StatusCode);
        var failure = PageFailure.Read(after);
        Assert.Equal(ReasonCodes.MaintenanceWindow, failure.Code);
        Assert.Contains("Sign-in server move. Expected end: 2026-03-02 12:00 UTC.", failure.Text, StringComparison.Ordinal);
        Assert.Equal("in_progress", Banner(after).GetAttribute("data-phase"));
    }

    [Fact]
    public async Task SignInPage_PastPlannedEndNotClosed_BannerSaysOverrunningUntilClosed()
    {
        // Arrange
        var window = await _app.ScheduleAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        _app.Clock.Advance(TimeSpan.FromHours(2.5));
        using var anonymous = _app.CreateBrowser();

        // Act
        var (_, overrunning) = await anonymous.GetPageAsync("/sign-in");
        await _app.CloseAsync(window.Id);
        var (_, closed) = await anonymous.GetPageAsync("/sign-in");

        // Assert
        var notice = Banner(overrunning);
        Assert.Equal("overrunning", notice.GetAttribute("data-phase"));
        Assert.Equal("Maintenance is taking longer than planned", notice.QuerySelector("h2")!.TextContent);
        Assert.Contains("was planned to be back at 2026-03-02 11:00 UTC; the operators have not yet declared the work finished", notice.TextContent, StringComparison.Ordinal);
        Assert.Null(closed.QuerySelector("[data-testid=maintenance-notice]"));
    }

    [Fact]
    public async Task SignInPages_SsoWindow_OnlyOnThatPracticesPageInItsOwnTime()
    {
        // Arrange: Oak's SSO window; Elm has none. Both practices are in America/Chicago (UTC-06:00 in March).
        var oak = await _app.CreateOrganizationAsync(TestAccounts.Unique("oak"), "Oak Pediatrics");
        var elm = await _app.CreateOrganizationAsync(TestAccounts.Unique("elm"), "Elm Cardiology");
        var window = await _app.ScheduleAsync(TimeSpan.FromHours(20), TimeSpan.FromHours(21), MaintenanceScope.OrganizationSso, oak.Id, "Identity provider certificate rollover.");
        using var anonymous = _app.CreateBrowser();

        // Act
        var (_, oakPage) = await anonymous.GetPageAsync($"/o/{oak.Slug}");
        var (_, elmPage) = await anonymous.GetPageAsync($"/o/{elm.Slug}");
        var (_, generic) = await anonymous.GetPageAsync("/sign-in");

        // Assert
        var notice = Banner(oakPage);
        var item = Assert.Single(notice.QuerySelectorAll("[data-testid=maintenance-window]"));
        Assert.Equal(window.Id.ToString(), item.GetAttribute("data-window-id"));
        Assert.Contains("Single sign-on for Oak Pediatrics will be unavailable for planned maintenance. Signing in with a password keeps working.", item.TextContent, StringComparison.Ordinal);
        Assert.Equal("Tue 3 Mar 2026, 05:00–06:00 UTC", item.QuerySelector("[data-testid=maintenance-utc]")!.TextContent);
        Assert.Equal("Mon 2 Mar 2026 23:00 – Tue 3 Mar 2026 00:00 America/Chicago time (UTC-06:00)", item.QuerySelector("[data-testid=maintenance-local]")!.TextContent);
        Assert.Equal($"/status?org={oak.Slug}", notice.QuerySelector("a")!.GetAttribute("href"));
        Assert.Null(elmPage.QuerySelector("[data-testid=maintenance-notice]"));
        Assert.Null(generic.QuerySelector("[data-testid=maintenance-notice]"));
    }

    [Fact]
    public async Task PracticePage_WindowAcrossDaylightSavingChange_ShowsBothOffsets()
    {
        // Arrange: Chicago springs forward at 2026-03-08 02:00 local (08:00 UTC); a window 07:00–10:00 UTC that day.
        var oak = await _app.CreateOrganizationAsync(TestAccounts.Unique("oak"), "Oak Pediatrics");
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.Zero));
        await _app.ScheduleAsync(TimeSpan.FromHours(19), TimeSpan.FromHours(22));
        using var anonymous = _app.CreateBrowser();

        // Act
        var (_, page) = await anonymous.GetPageAsync($"/o/{oak.Slug}");

        // Assert
        Assert.Equal("Sun 8 Mar 2026, 01:00–05:00 America/Chicago time (UTC-06:00 → UTC-05:00)",
            Banner(page).QuerySelector("[data-testid=maintenance-local]")!.TextContent);
    }

    [Fact]
    public async Task HomePage_AfterSignIn_ShowsPortalAndOwnPracticesSsoWindowsNotOthers()
    {
        // Arrange
        var oak = await _app.CreateOrganizationAsync(TestAccounts.Unique("oak"), "Oak Pediatrics");
        var elm = await _app.CreateOrganizationAsync(TestAccounts.Unique("elm"), "Elm Cardiology");
        var account = await _app.CreateAccountAsync(TestAccounts.Unique("ada"), oak.Slug);
        var portal = await _app.ScheduleAsync(TimeSpan.FromHours(30), TimeSpan.FromHours(31));
        var oakSso = await _app.ScheduleAsync(TimeSpan.FromHours(40), TimeSpan.FromHours(41), MaintenanceScope.OrganizationSso, oak.Id, "Oak's SSO.");
        await _app.ScheduleAsync(TimeSpan.FromHours(40), TimeSpan.FromHours(41), MaintenanceScope.OrganizationSso, elm.Id, "Elm's SSO.");
        using var browser = _app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(account.Username, TestAccounts.Password)).StatusCode);

        // Act
        var (response, home) = await browser.GetPageAsync("/");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = Banner(home).QuerySelectorAll("[data-testid=maintenance-window]");
        Assert.Equal([portal.Id.ToString(), oakSso.Id.ToString()], items.Select(i => i.GetAttribute("data-window-id")));
        Assert.Contains("Single sign-on for Oak Pediatrics", items[1].TextContent, StringComparison.Ordinal);
        Assert.Equal("Tue 3 Mar 2026, 09:00–10:00 America/Chicago time (UTC-06:00)", items[0].QuerySelector("[data-testid=maintenance-local]")!.TextContent);
        Assert.DoesNotContain("Elm", home.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Banner_ProcedureWritten_LinksToIt()
    {
        await _app.ScheduleAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        await _app.WriteProcedureAsync("# While the portal is down\n\nUse the paper referral form.");
        using var anonymous = _app.CreateBrowser();

        var (_, page) = await anonymous.GetPageAsync("/sign-in");

        Assert.Equal("/downtime-procedure", Banner(page).QuerySelector("[data-testid=downtime-procedure-link]")!.GetAttribute("href"));
    }

    private static IElement Banner(IDocument page)
    {
        var notice = page.QuerySelector("[data-testid=maintenance-notice]");
        Assert.NotNull(notice);
        return notice;
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Reasons;
using Signpost.Web.Analytics;
using Signpost.Web.Infrastructure;
using Signpost.Web.Tests.Infrastructure;
using static Signpost.Web.Tests.Platform.PlatformPeople;

namespace Signpost.Web.Tests.Analytics;

/// <summary>A host on a hand-moved clock, so a failure story's day can pass within a test.</summary>
public sealed class AnalyticsApp : SignpostFactory
{
    public AnalyticsApp() => Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));

    public FakeTimeProvider Clock => Time!;
}

/// <summary>
/// The analytics pages over real sign-ins (docs/analytics.md): the job counts them, support reads them on
/// <c>/platform/analytics</c> and as CSV, a practice admin reads their own practice's and nobody else's.
/// </summary>
public sealed class AnalyticsPageTests(AnalyticsApp app) : IClassFixture<AnalyticsApp>
{
    /// <summary>A practice where one person mistypes twice and signs in three minutes later; the job has counted the day.</summary>
    private async Task<(string Slug, string Day, DateTimeOffset Local)> PracticeWithOneRecoveredStoryAsync()
    {
        var slug = TestAccounts.Unique("stats");
        await app.CreateOrganizationAsync(slug, "Analytics Family Practice");
        var person = await app.CreateAccountAsync(TestAccounts.Unique("pat"), slug);
        var day = app.Clock.GetUtcNow();
        using (var browser = app.CreateBrowser())
        {
            await browser.SignInAsync(person.Username, "not the password", $"/o/{slug}");
            await browser.SignInAsync(person.Username, "still not the password", $"/o/{slug}");
            app.Clock.Advance(TimeSpan.FromMinutes(3));
            Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(person.Username, TestAccounts.Password, $"/o/{slug}")).StatusCode);
        }

        app.Clock.Advance(FailureStoryTellerDay);

        // One run of the job's count, in a scope of its own as the job's runs are (called directly, so a failure
        // fails the test instead of being logged): one run counts every day that holds events, however old the
        // oldest (AnalyticsAggregatorTests), so it does not matter which test of this class wrote events first.
        await app.WithServicesAsync(async services =>
        {
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<Signpost.Data.Analytics.AnalyticsAggregator>().RunAsync(AnalyticsJob.SlicesPerRun, CancellationToken.None);
        });

        // The practice's local day of the attempts.
        var zone = await app.WithDbAsync(db => db.Organizations.AsNoTracking().Where(o => o.Slug == slug).Select(o => o.TimeZone).SingleAsync());
        var local = TimeZoneInfo.ConvertTime(day, TimeZoneInfo.FindSystemTimeZoneById(zone));
        return (slug, local.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), local);
    }

    private static readonly TimeSpan FailureStoryTellerDay = TimeSpan.FromHours(25);

    [Fact]
    public async Task PlatformPage_Support_ShowsTheStoryCountedFromRealSignIns()
    {
        // Arrange
        var (slug, day, local) = await PracticeWithOneRecoveredStoryAsync();
        var (_, support) = await SignedInAsync(app, "sue", null, PlatformRoles.SupportAgent);
        using var _s = support;

        // Act
        var (response, document) = await support.GetPageAsync($"/platform/analytics?from={day}&to={day}&practice={slug}");

        // Assert: two failures, one sign-in, one story recovered alone by trying again after 3 minutes.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string Figure(string name) => document.QuerySelector($"[data-figure={name}]")!.TextContent.Trim();
        Assert.Equal(("1", "2", "1", "100 %", "3 min"), (Figure("sign-ins"), Figure("failures"), Figure("stories"), Figure("self-service"), Figure("time-to-recover")));
        Assert.Equal("2", document.QuerySelector($"[data-testid=reasons-table] tr[data-code={ReasonCodes.InvalidCredentials}] td:last-child")!.TextContent);
        Assert.Equal("1", document.QuerySelector("[data-testid=ways-table] tr[data-way=Retry] td")!.TextContent);
        Assert.Equal("2", document.QuerySelector($"[data-testid=causes-table] tr[data-category={ReasonCategory.Credentials}] td")!.TextContent);
        Assert.NotNull(document.QuerySelector($"[data-testid=causes-chart] svg polygon[data-category={ReasonCategory.Credentials}]"));
        // The heat map counts the practice's local weekday and hour of the attempts.
        var weekday = document.QuerySelectorAll("[data-testid=heatmap-table] tbody tr")[((int)local.DayOfWeek + 6) % 7];
        Assert.Equal("2", weekday.QuerySelectorAll("td")[local.Hour].TextContent);
        Assert.Equal(2, document.QuerySelectorAll("[data-testid=heatmap-table] td").Sum(td => int.Parse(td.TextContent, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Empty(document.QuerySelectorAll("main script, main [style]"));
    }

    [Fact]
    public async Task PlatformCsv_Support_IsUtf8WithByteOrderMarkAndTheSameNumbers()
    {
        // Arrange
        var (slug, day, _) = await PracticeWithOneRecoveredStoryAsync();
        var (_, support) = await SignedInAsync(app, "sue", null, PlatformRoles.SupportAgent);
        using var _s = support;

        // Act
        var summary = await support.GetAsync($"/platform/analytics?handler=Csv&table=summary&from={day}&to={day}&practice={slug}");
        var reasons = await support.GetAsync($"/platform/analytics?handler=Csv&table=reasons&from={day}&to={day}&practice={slug}");
        var unknown = await support.GetAsync($"/platform/analytics?handler=Csv&table=passwords&from={day}&to={day}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
        Assert.Equal("text/csv", summary.Content.Headers.ContentType!.MediaType);
        var bytes = await summary.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("figure,value", lines[0]);
        Assert.Contains("sign_ins,1", lines);
        Assert.Contains("failures,2", lines);
        Assert.Contains("self_service_recovery_rate,1", lines);
        Assert.Contains("mean_seconds_to_recover_alone,180", lines);
        Assert.Contains($"{ReasonCodes.InvalidCredentials},credentials,2", (await reasons.Content.ReadAsStringAsync()).Split("\r\n"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task PlatformPageAndCsv_RangeLongerThan92Days_DrawnPerMonthWithTheSameNumbers()
    {
        // Arrange: a range of 200 days ending on the day of the story; its first month is in part.
        var (slug, day, local) = await PracticeWithOneRecoveredStoryAsync();
        var from = DateOnly.FromDateTime(local.DateTime).AddDays(-199);
        var to = DateOnly.FromDateTime(local.DateTime);
        var range = $"from={from:yyyy-MM-dd}&to={day}";
        var (_, support) = await SignedInAsync(app, "sue", null, PlatformRoles.SupportAgent);
        using var _s = support;

        // Act
        var (response, document) = await support.GetPageAsync($"/platform/analytics?{range}&practice={slug}");
        var csv = await support.GetAsync($"/platform/analytics?handler=Csv&table=categories&{range}&practice={slug}");
        var (all, allDocument) = await support.GetPageAsync($"/platform/analytics?{range}");

        // Assert: one row per calendar month the range touches, cut to the range, and the same two failures.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var months = (((to.Year * 12) + to.Month) - ((from.Year * 12) + from.Month)) + 1;
        var table = document.QuerySelector("[data-testid=causes-by-day]")!;
        Assert.Equal("month", table.GetAttribute("data-point"));
        Assert.Equal(months, table.QuerySelectorAll("tbody tr").Length);
        Assert.Contains("per month", document.QuerySelector("#causes-title")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("2", document.QuerySelector("[data-figure=failures]")!.TextContent.Trim());
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("month,first_day,last_day,", lines[0], StringComparison.Ordinal);
        Assert.Equal(months + 1, lines.Length);
        Assert.StartsWith($"{from:yyyy-MM},{from:yyyy-MM-dd},", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"{to:yyyy-MM},{to:yyyy-MM}-01,{day},", lines[^1], StringComparison.Ordinal);
        Assert.EndsWith(",2", lines[^1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Skip(1).Sum(l => int.Parse(l[(l.LastIndexOf(',') + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
        // All practices over the same range read the month roll-ups for its whole months: per month too.
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal(months, allDocument.QuerySelectorAll("[data-testid=causes-by-day] tbody tr").Length);
    }

    [Fact]
    public async Task PlatformPage_DefaultView_IsCountedByTheJobsRun_NotByItsFirstVisitor()
    {
        // Arrange: a story counted, then one whole run of the job, which reads the default view (the last 30 UTC
        // days of all practices) for the metrics after it counts (docs/analytics.md, "How fresh a view is").
        await PracticeWithOneRecoveredStoryAsync();
        await app.Services.GetRequiredService<AnalyticsJob>().RunOnceAsync(CancellationToken.None);
        var (_, support) = await SignedInAsync(app, "sue", null, PlatformRoles.SupportAgent);
        using var _s = support;

        // Act: the first visit to the default view on this node since that run, and a view of another range.
        using var commands = new CommandLog(app.DatabasePath);
        var (response, document) = await support.GetPageAsync("/platform/analytics");
        var defaultView = commands.Statements;
        var (other, _) = await support.GetPageAsync("/platform/analytics?from=2026-01-01&to=2026-01-31");
        var otherView = commands.Statements.Skip(defaultView.Count).ToList();
        var (filtered, _) = await support.GetPageAsync("/platform/analytics?from=2026-01-01&to=2026-01-31&category=Credentials");
        var filteredView = commands.Statements.Skip(defaultView.Count + otherView.Count).ToList();

        // Assert: the default view read the watermarks and its live figures, and no daily row; another range counts.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.NotNull(document.QuerySelector("[data-figure=failures]"));
        Assert.Contains(defaultView, s => s.Contains("\"AnalyticsWatermarks\"", StringComparison.Ordinal));
        Assert.DoesNotContain(defaultView, s => s.Contains("\"AnalyticsOutcomeCounts\"", StringComparison.Ordinal) || s.Contains("\"AnalyticsHourCounts\"", StringComparison.Ordinal)
            || s.Contains("\"AnalyticsHourTotals\"", StringComparison.Ordinal));
        Assert.Contains(otherView, s => s.Contains("\"AnalyticsOutcomeCounts\"", StringComparison.Ordinal));
        // Without a category or method filter the heat map comes from the rows already summed over both; with one, from
        // the roll-up by category and method (docs/analytics.md, "Heat maps already summed").
        Assert.Contains(otherView, s => s.Contains("\"AnalyticsHourTotals\"", StringComparison.Ordinal));
        Assert.DoesNotContain(otherView, s => s.Contains("\"AnalyticsHourCounts\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, filtered.StatusCode);
        Assert.Contains(filteredView, s => s.Contains("\"AnalyticsHourCounts\"", StringComparison.Ordinal));
        Assert.DoesNotContain(filteredView, s => s.Contains("\"AnalyticsHourTotals\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlatformPage_AfterTheJobCountsMore_ShowsTheNewCountsNotTheKeptOnes()
    {
        // Arrange: the page over the story's day up to today has been read (its counts kept under the job's watermarks).
        var (slug, day, _) = await PracticeWithOneRecoveredStoryAsync();
        var (_, support) = await SignedInAsync(app, "sue", null, PlatformRoles.SupportAgent);
        using var _s = support;
        var practice = await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Slug == slug));
        var today = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(practice.TimeZone)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var path = $"/platform/analytics?from={day}&to={today}&practice={slug}";
        var (_, before) = await support.GetPageAsync(path);
        var (_, again) = await support.GetPageAsync(path);

        // Act: one more failure now, counted by the job's next run.
        await app.WithDbAsync(db =>
        {
            db.SignInEvents.Add(new Core.Events.SignInEvent
            {
                TraceId = Guid.NewGuid().ToString("N"), OccurredAt = app.Clock.GetUtcNow(), OrganizationId = practice.Id,
                Method = Core.Events.SignInMethod.Password, ReasonCode = ReasonCodes.InvalidCredentials, ShownReasonCode = ReasonCodes.InvalidCredentials,
            });
            return db.SaveChangesAsync();
        });
        app.Clock.Advance(Signpost.Data.Analytics.AnalyticsAggregator.Lag + TimeSpan.FromMinutes(1));
        await app.WithServicesAsync(async services =>
        {
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<Signpost.Data.Analytics.AnalyticsAggregator>().RunAsync(AnalyticsJob.SlicesPerRun, CancellationToken.None);
        });
        var (_, after) = await support.GetPageAsync(path);

        // Assert
        static string Failures(AngleSharp.Dom.IDocument document) => document.QuerySelector("[data-figure=failures]")!.TextContent.Trim();
        Assert.Equal(("2", "2", "3"), (Failures(before), Failures(again), Failures(after)));
    }

    [Theory]
    [InlineData("from=yesterday")]
    [InlineData("from=2026-11-30&to=2026-11-01")]
    [InlineData("from=2020-01-01&to=2026-11-01")]
    [InlineData("category=Success")]
    [InlineData("method=42")]
    [InlineData("practice=no-such-practice")]
    public async Task PlatformPage_UnreadableFilter_400WithTheProblemNamedNot500(string query)
    {
        // Arrange
        var (_, admin) = await SignedInAsync(app, "op", null, PlatformRoles.PlatformAdmin);
        using var _a = admin;

        // Act
        var (response, document) = await admin.GetPageAsync("/platform/analytics?" + query);

        // Assert: the page still shows, with defaults, and says which filter it could not read.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(document.QuerySelectorAll("[data-testid=problems] li"));
        Assert.NotNull(document.QuerySelector("[data-testid=analytics-summary]"));
    }

    [Fact]
    public async Task PracticePage_ItsAdmin_SeesItsNumbersAndWhatToDo()
    {
        // Arrange
        var (slug, day, _) = await PracticeWithOneRecoveredStoryAsync();
        var (_, admin) = await SignedInAsync(app, "ada", slug, roles: PracticeRoles.PracticeAdmin);
        using var _a = admin;

        // Act
        var (response, document) = await admin.GetPageAsync($"/admin/{slug}/analytics?from={day}&to={day}");
        var csv = await admin.GetAsync($"/admin/{slug}/analytics?handler=Csv&table=stories&from={day}&to={day}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", document.QuerySelector("[data-figure=failures]")!.TextContent.Trim());
        Assert.Null(document.QuerySelector("[data-testid=practices-table]"));
        Assert.Equal([$"/admin/{slug}?status=locked#people", $"/admin/{slug}/credential-audit", $"/help/codes/{ReasonCodes.BrowserUnsupported}", $"/help/codes/{ReasonCodes.NetworkNotAllowed}"],
            document.QuerySelectorAll("[data-testid=todo-links] a").Select(a => a.GetAttribute("href")));
        Assert.Contains("recovered_alone,1,180", (await csv.Content.ReadAsStringAsync()).Split("\r\n"));
    }

    [Fact]
    public async Task PracticePage_MemberLockedOften_ListedWithALinkToTheirPage()
    {
        // Arrange: three lock refusals of one member at the practice, one of someone at another practice.
        var slug = TestAccounts.Unique("locks");
        var practice = await app.CreateOrganizationAsync(slug, "Lock Clinic");
        var other = await app.CreateOrganizationAsync(TestAccounts.Unique("elsewhere"), "Elsewhere Clinic");
        var member = await app.CreateAccountAsync(TestAccounts.Unique("lee"), slug, displayName: "Lee Locked");
        var stranger = await app.CreateAccountAsync(TestAccounts.Unique("sid"), other.Slug);
        var now = app.Clock.GetUtcNow();
        Core.Events.SignInEvent Locked(Guid person, Guid organization, int hoursAgo) => new()
        {
            TraceId = Guid.NewGuid().ToString("N"), OccurredAt = now.AddHours(-hoursAgo), AccountId = person, OrganizationId = organization,
            Method = Core.Events.SignInMethod.Password, ReasonCode = ReasonCodes.AccountLocked, ShownReasonCode = ReasonCodes.AccountLocked,
        };
        await app.WithDbAsync(async db =>
        {
            db.SignInEvents.AddRange(Locked(member.Id, practice.Id, 1), Locked(member.Id, practice.Id, 30), Locked(member.Id, practice.Id, 200),
                Locked(stranger.Id, other.Id, 2), Locked(member.Id, practice.Id, 24 * 40));
            return await db.SaveChangesAsync();
        });
        var (_, admin) = await SignedInAsync(app, "ada", slug, roles: PracticeRoles.PracticeAdmin);
        using var _a = admin;

        // Act
        var (response, document) = await admin.GetPageAsync($"/admin/{slug}/analytics");

        // Assert: the member with the three refusals of the last 30 days, and nobody of the other practice.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = document.QuerySelectorAll("[data-testid=most-locked] tbody tr");
        var row = Assert.Single(rows);
        Assert.Equal($"/admin/{slug}/users/{member.Id}", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("3", row.QuerySelector("td")!.TextContent);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?handler=Csv&table=summary")]
    public async Task PracticePage_AdminOfAnotherPractice_404AndTheRefusalIsAudited(string query)
    {
        // Arrange
        var (slug, _, _) = await PracticeWithOneRecoveredStoryAsync();
        var organization = await app.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync(o => o.Slug == slug));
        var otherSlug = TestAccounts.Unique("other");
        await app.CreateOrganizationAsync(otherSlug, "Other Practice");
        var (otherAdmin, other) = await SignedInAsync(app, "oadmin", otherSlug, roles: PracticeRoles.PracticeAdmin);
        using var _o = other;

        // Act
        var refused = await other.GetAsync($"/admin/{slug}/analytics{query}");
        var own = await other.GetAsync($"/admin/{otherSlug}/analytics{query}");

        // Assert: the same 404 as for a practice that does not exist, and an audit entry naming the practice.
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.DoesNotContain("Analytics Family Practice", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var refusals = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == AdminScope.RefusalAction && e.ActorAccountId == otherAdmin.Id).ToListAsync());
        var entry = Assert.Single(refusals);
        Assert.Equal(organization.Id, entry.OrganizationId);
        Assert.Contains("analytics", entry.After!, StringComparison.Ordinal);
    }
}

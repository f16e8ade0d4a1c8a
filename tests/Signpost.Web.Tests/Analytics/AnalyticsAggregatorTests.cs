using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Analytics;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Data.Analytics;
using Signpost.Web.Analytics;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Analytics;

/// <summary>
/// One run of the analytics job over a history with a long quiet stretch in it (docs/analytics.md, "How the
/// numbers are kept"): a run's budget is a month of days that hold events, so empty days cost it nothing and
/// one run over an old event and today's counts both. (The page tests once found their day uncounted after a
/// single run when their lock-history test, which writes an event 40 days back, happened to run first: the run
/// spent its month walking the empty days after that event.)
/// </summary>
public sealed class AnalyticsAggregatorTests(AnalyticsApp app) : IClassFixture<AnalyticsApp>
{
    [Fact]
    public async Task RunAsync_OneEventFortyDaysBeforeTodays_OneRunCountsBothDays()
    {
        // Arrange: a failure 40 days ago, then today a failure and a sign-in three minutes later.
        var slug = TestAccounts.Unique("quiet");
        var practice = await app.CreateOrganizationAsync(slug, "Quiet Clinic");
        var person = await app.CreateAccountAsync(TestAccounts.Unique("quinn"), slug);
        var today = app.Clock.GetUtcNow();
        var longAgo = today.AddDays(-40);
        SignInEvent Attempt(DateTimeOffset at, string reason) => new()
        {
            TraceId = Guid.NewGuid().ToString("N"), OccurredAt = at, AccountId = person.Id, OrganizationId = practice.Id,
            Method = SignInMethod.Password, Succeeded = reason == ReasonCodes.SignedIn, ReasonCode = reason, ShownReasonCode = reason,
        };
        await app.WithDbAsync(async db =>
        {
            db.SignInEvents.AddRange(Attempt(longAgo, ReasonCodes.InvalidCredentials), Attempt(today, ReasonCodes.InvalidCredentials),
                Attempt(today.AddMinutes(3), ReasonCodes.SignedIn));
            return await db.SaveChangesAsync();
        });
        app.Clock.Advance(TimeSpan.FromHours(25));

        // Act: one run, as the job makes every 5 minutes.
        var counted = await app.WithServicesAsync(async services =>
        {
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<AnalyticsAggregator>().RunAsync(AnalyticsJob.SlicesPerRun, CancellationToken.None);
        });

        // Assert: both local days are counted, events and stories, and both watermarks are where they can be.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(practice.TimeZone);
        DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        var outcomes = await app.WithDbAsync(db => db.Set<AnalyticsOutcomeCount>().AsNoTracking().Where(r => r.OrganizationId == practice.Id).ToListAsync());
        Assert.Equal(new[] { (DayOf(longAgo), ReasonCodes.InvalidCredentials, 1), (DayOf(today), ReasonCodes.InvalidCredentials, 1), (DayOf(today), ReasonCodes.SignedIn, 1) },
            outcomes.Select(r => (r.Day, r.ReasonCode, r.Count)).Order());
        var stories = await app.WithDbAsync(db => db.Set<AnalyticsStoryCount>().AsNoTracking().Where(r => r.OrganizationId == practice.Id).ToListAsync());
        Assert.Equal(new[] { (DayOf(longAgo), StoryEnding.NotRecovered, 1, 0L), (DayOf(today), StoryEnding.RecoveredAlone, 1, 180L) },
            stories.Select(r => (r.Day, r.Ending, r.Stories, r.SecondsToRecover)).Order());
        var now = app.Clock.GetUtcNow();
        var (events, told) = await app.WithDbAsync(db => new AnalyticsAggregator(db, app.Clock).WatermarksAsync(CancellationToken.None));
        Assert.Equal((now - AnalyticsAggregator.Lag, now - FailureStoryTeller.TimeOut - AnalyticsAggregator.Lag), (events, told));
        Assert.InRange(counted, 2, AnalyticsJob.SlicesPerRun);
    }
}

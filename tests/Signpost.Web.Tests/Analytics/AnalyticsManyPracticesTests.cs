using System.Net;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Web.Pages.Analytics;
using Signpost.Web.Tests.Infrastructure;
using static Signpost.Web.Tests.Platform.PlatformPeople;

namespace Signpost.Web.Tests.Analytics;

/// <summary>
/// The platform analytics page on a platform with more practices than a list holds (docs/analytics.md, "How
/// fresh a view is"): the practice filter becomes a field for the slug, and a slug still picks its practice.
/// </summary>
public sealed class AnalyticsManyPracticesTests(AnalyticsApp app) : IClassFixture<AnalyticsApp>
{
    [Fact]
    public async Task PlatformPage_MorePracticesThanTheListHolds_FilterIsASlugFieldThatStillFinds()
    {
        // Arrange: one more practice than the list's limit.
        var slugs = Enumerable.Range(0, IndexModel.PracticeListLimit + 1).Select(_ => TestAccounts.Unique("many")).ToList();
        await app.WithDbAsync(db =>
        {
            db.Organizations.AddRange(slugs.Select((slug, i) => new Organization { Slug = slug, Name = $"Practice {i:D3}", CreatedAt = app.Clock.GetUtcNow() }));
            return db.SaveChangesAsync();
        });
        var (_, support) = await SignedInAsync(app, "sue", null, PlatformRoles.SupportAgent);
        using var _s = support;

        // Act
        var (chosen, chosenPage) = await support.GetPageAsync($"/platform/analytics?practice={slugs[42]}");
        var (unknown, unknownPage) = await support.GetPageAsync("/platform/analytics?practice=no-such-practice");

        // Assert: a text field holding the slug, the practice named beside it; an unknown slug is a named problem.
        Assert.Equal(HttpStatusCode.OK, chosen.StatusCode);
        Assert.Null(chosenPage.QuerySelector("select#filter-practice"));
        Assert.Equal(slugs[42], chosenPage.QuerySelector("input#filter-practice")!.GetAttribute("value"));
        Assert.StartsWith("Practice 042.", chosenPage.QuerySelector("#filter-practice-hint")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("no-such-practice", unknownPage.QuerySelector("input#filter-practice")!.GetAttribute("value"));
        Assert.Equal("true", unknownPage.QuerySelector("input#filter-practice")!.GetAttribute("aria-invalid"));
    }
}

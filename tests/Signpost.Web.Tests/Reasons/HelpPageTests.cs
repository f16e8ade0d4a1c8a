using System.Net;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Reasons;

/// <summary>Every code in the catalogue has its help page, the anchor that failure pages and problems link to.</summary>
public sealed class HelpPageTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    public static TheoryData<string> Codes() => [.. ReasonCatalogue.All.Select(r => r.Code)];

    [Theory]
    [MemberData(nameof(Codes))]
    public async Task HelpPage_CatalogueCode_ShowsTitleCauseAndAction(string code)
    {
        // Arrange
        var reason = ReasonCatalogue.Get(code);
        using var browser = app.CreateBrowser();

        // Act
        var (response, document) = await browser.GetPageAsync($"/help/codes/{code}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(reason.Title, document.QuerySelector("main h1")!.TextContent.Trim());
        Assert.Equal(code, document.QuerySelector("[data-testid=code]")!.TextContent.Trim());
        var text = document.QuerySelector("main")!.TextContent;
        Assert.Contains(reason.ProbableCause, text, StringComparison.Ordinal);
        Assert.Contains(reason.ImmediateAction, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpIndex_Always_LinksEveryCode()
    {
        using var browser = app.CreateBrowser();

        var (response, document) = await browser.GetPageAsync("/help/codes");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var links = document.QuerySelectorAll("main a").Select(a => a.GetAttribute("href")).ToHashSet();
        Assert.All(ReasonCatalogue.All, r => Assert.Contains(r.HelpPath, links));
    }

    [Theory]
    [InlineData("no_such_code")]
    [InlineData("SIGNED_IN")]
    public async Task HelpPage_UnknownCode_Returns404(string code)
    {
        using var browser = app.CreateBrowser();

        var response = await browser.GetAsync($"/help/codes/{code}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

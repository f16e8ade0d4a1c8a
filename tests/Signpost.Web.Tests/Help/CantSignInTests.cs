using System.Net;
using AngleSharp.Html.Dom;
using Signpost.Core.Help;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Help;

/// <summary>"Can't sign in?" and the help centre, as a person without a session uses them.</summary>
public sealed class CantSignInTests(SignpostFactory app) : IClassFixture<SignpostFactory>
{
    [Fact]
    public async Task FailurePage_LinksCantSignIn_WithItsTraceIdFilledIn()
    {
        var slug = TestAccounts.Unique("cs-link");
        await app.CreateOrganizationAsync(slug, "Link Clinic");
        var account = await app.CreateAccountAsync(TestAccounts.Unique("cs"), slug);
        using var browser = app.CreateBrowser();

        var failed = await TestBrowser.ParseAsync(await browser.SignInAsync(account.Username, TestAccounts.WrongPassword));
        var traceId = failed.QuerySelector("[data-testid=trace-id]")!.TextContent;
        var link = failed.QuerySelector("[data-testid=cant-sign-in]")!.GetAttribute("href")!;
        var form = await browser.OpenFormAsync(link);

        Assert.StartsWith($"/cant-sign-in?trace={traceId}&held=", link, StringComparison.Ordinal);
        Assert.Equal(traceId, form.Value("trace"));
        // The proof that this browser was shown the trace travels on, for "Ask for help" (docs/security.md).
        Assert.False(string.IsNullOrEmpty(form.Value("held")));
    }

    [Fact]
    public async Task Check_LockedAccountsTrace_ShowsOnlyThePublicReason_NeverTheLock()
    {
        // Arrange: the correct password on a locked account, from an untrusted browser.
        var slug = TestAccounts.Unique("cs-lock");
        await app.CreateOrganizationAsync(slug, "Lock Clinic", p => p.LockoutThreshold = 2);
        var account = await app.CreateAccountAsync(TestAccounts.Unique("locked"), slug);
        using var attacker = app.CreateBrowser();
        await attacker.SignInAsync(account.Username, TestAccounts.WrongPassword);
        await attacker.SignInAsync(account.Username, TestAccounts.WrongPassword);
        using var stranger = app.CreateBrowser();
        var failed = await TestBrowser.ParseAsync(await stranger.SignInAsync(account.Username, TestAccounts.Password));
        var traceId = failed.QuerySelector("[data-testid=trace-id]")!.TextContent;

        // Act
        var page = await CheckAsync(stranger, traceId);

        // Assert: the event holds the exact reason; the page shows only what the sign-in page showed.
        var recorded = await app.EventAsync(traceId);
        Assert.Equal(ReasonCodes.AccountLocked, recorded.ReasonCode);
        Assert.Equal(ReasonCodes.InvalidCredentials, page.QuerySelector("[data-testid=shown-reason]")?.GetAttribute("data-code"));
        var text = page.Body!.TextContent;
        Assert.DoesNotContain("lock ends", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ReasonCodes.AccountLocked, page.QuerySelector("[data-testid=attempt]")!.InnerHtml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-trace", "not a trace ID")]
    [InlineData("0123456789abcdef0123456789abcdeg", "not a trace ID")]
    [InlineData("0123456789abcdef0123456789abcdef", "No sign-in attempt has that trace ID")]
    public async Task Check_BadOrUnknownTraceId_SaysWhichInPlainWords(string trace, string expected)
    {
        using var browser = app.CreateBrowser();

        var page = await CheckAsync(browser, trace);

        Assert.Contains(expected, page.QuerySelector("[data-testid=trace-problem]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("[data-testid=shown-reason]"));
    }

    [Fact]
    public async Task Check_HostileInput_IsAnsweredAsAForm_NeverA500()
    {
        using var browser = app.CreateBrowser();
        var form = await browser.OpenFormAsync("/cant-sign-in");

        var response = await browser.SubmitAsync(form, [
            new("trace", new string('a', 10_000)),
            new("identifier", "<script>alert(1)</script>" + new string('x', 5_000)),
            new(CantSignInFields.Time, "-99999999999999999999999"),
            new(CantSignInFields.TimeZone, "<b>Mars/Olympus</b>"),
        ]);
        var page = await TestBrowser.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("not a trace ID", page.QuerySelector("[data-testid=trace-problem]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(nameof(CheckStatus.Unknown), Row(page, "Clock").GetAttribute("data-status"));
        Assert.Equal(nameof(CheckStatus.Unknown), Row(page, "Time zone").GetAttribute("data-status"));
        Assert.DoesNotContain("<script>alert(1)</script>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ReportsTheBrowserItSees_OldBrowserNoCookiesSkewedClock()
    {
        using var browser = app.CreateBrowser(handleCookies: false, userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/90.0.0.0 Safari/537.36");
        var form = await browser.OpenFormAsync("/cant-sign-in");
        var tenMinutesAhead = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds();

        var page = await TestBrowser.ParseAsync(await browser.SubmitAsync(form, [
            new("js", "1"),
            new(CantSignInFields.Time, tenMinutesAhead.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(CantSignInFields.TimeZone, "America/Chicago"),
        ]));

        Assert.Equal(nameof(CheckStatus.Problem), Row(page, "Browser").GetAttribute("data-status"));
        Assert.Contains("Chrome 90", Row(page, "Browser").TextContent, StringComparison.Ordinal);
        Assert.Equal(nameof(CheckStatus.Problem), Row(page, "Cookies").GetAttribute("data-status"));
        Assert.Equal(nameof(CheckStatus.Problem), Row(page, "Clock").GetAttribute("data-status"));
        Assert.Contains("ahead of the server", Row(page, "Clock").TextContent, StringComparison.Ordinal);
        Assert.Equal(nameof(CheckStatus.Ok), Row(page, "JavaScript").GetAttribute("data-status"));
        Assert.Contains("America/Chicago", Row(page, "Time zone").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpCentre_ShowsEveryQuestion_AndEveryLinkItGivesOpens()
    {
        using var browser = app.CreateBrowser(handleCookies: true);
        var (response, page) = await browser.GetPageAsync("/help");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HelpCentre.Articles.Select(a => a.Slug), page.QuerySelectorAll("[data-testid=article]").Select(e => e.Id));
        var paths = HelpCentre.Articles.SelectMany(a => a.Actions).Select(a => a.Path)
            .Concat(HelpCentre.Articles.SelectMany(a => a.ReasonCodes).Select(c => ReasonCatalogue.Get(c).HelpPath))
            .Distinct();
        foreach (var path in paths)
        {
            var opened = await browser.GetAsync(path);
            var signInFirst = opened.StatusCode == HttpStatusCode.Redirect && opened.Headers.Location!.OriginalString.StartsWith("/sign-in", StringComparison.Ordinal);
            Assert.True(opened.StatusCode == HttpStatusCode.OK || signInFirst, $"{path} answered {(int)opened.StatusCode}");
        }
    }

    [Fact]
    public async Task CodePage_ListsTheQuestionsAboutIt()
    {
        using var browser = app.CreateBrowser();

        var (_, page) = await browser.GetPageAsync($"/help/codes/{ReasonCodes.AccountLocked}");

        var questions = page.QuerySelectorAll("[data-testid=related-questions] a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(HelpCentre.For(ReasonCodes.AccountLocked).Select(a => $"/help#{a.Slug}"), questions);
        Assert.Contains("/help#locked", questions);
    }

    private static async Task<IHtmlDocument> CheckAsync(TestBrowser browser, string trace)
    {
        var form = await browser.OpenFormAsync("/cant-sign-in");
        var response = await browser.SubmitAsync(form, [new("trace", trace)]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestBrowser.ParseAsync(response);
    }

    private static AngleSharp.Dom.IElement Row(IHtmlDocument page, string fact) =>
        page.QuerySelector($"[data-testid=client-check] tr[data-fact='{fact}']") ?? throw new InvalidOperationException($"No row for {fact}.");

    private static class CantSignInFields
    {
        public const string Time = Signpost.Web.Pages.CantSignInModel.ClientTimeField;
        public const string TimeZone = Signpost.Web.Pages.CantSignInModel.ClientTimeZoneField;
    }
}

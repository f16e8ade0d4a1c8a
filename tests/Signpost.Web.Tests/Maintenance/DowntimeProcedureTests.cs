using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Signpost.Core.Accounts;
using Signpost.Web.Maintenance;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Maintenance;

/// <summary>
/// The downtime procedure: operators' Markdown, rendered with raw HTML off and then sanitised, read by
/// practice administrators and platform staff after sign-in.
/// </summary>
public sealed class DowntimeProcedureTests : IAsyncLifetime
{
    private const string Hostile = """
        # While the portal is down

        Use the **paper** referral form.

        <script>alert('script')</script>

        <img src=x onerror=alert('img')>

        <iframe src="https://evil.example/"></iframe>

        [x](javascript:alert(1))

        [y](JaVaScRiPt:alert(2))

        ![z](javascript:alert(3))

        <javascript:alert(4)>

        [data](data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==)

        [help desk](https://help.example/downtime) · [mail](mailto:help@example.org)
        """;

    private static readonly HtmlParser Parser = new();

    private readonly MaintenanceApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void Render_ScriptImgOnerrorIframeAndJavascriptLinks_NothingExecutableSurvives()
    {
        // Act
        var rendered = new SafeMarkdown().Render(Hostile);

        // Assert: no element or attribute a browser would run …
        var html = Parser.ParseDocument($"<body>{rendered.Html}</body>");
        AssertNothingExecutable(html);

        // … the raw HTML shows as text, the safe Markdown still renders, one level below the page's <h1> …
        Assert.Contains("<script>alert('script')</script>", html.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("<img src=x onerror=alert('img')>", html.Body.TextContent, StringComparison.Ordinal);
        Assert.Equal("While the portal is down", html.QuerySelector("h2")!.TextContent);
        Assert.Null(html.QuerySelector("h1"));
        Assert.Equal("paper", html.QuerySelector("strong")!.TextContent);
        Assert.Equal(["https://help.example/downtime", "mailto:help@example.org"],
            html.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")));

        // … and what was taken out is reported, for the CLI's warning.
        Assert.True(rendered.ContainsRawHtml);
        Assert.Contains("the href attribute of <a> (javascript:alert(1))", rendered.Removed);
        Assert.Contains("the src attribute of <img> (javascript:alert(3))", rendered.Removed);
        Assert.Contains(rendered.Removed, r => r.StartsWith("the href attribute of <a> (data:text/html", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_PlainMarkdownWithTable_NothingRemovedNoStyleAttributes()
    {
        var rendered = new SafeMarkdown().Render("## Phones\n\n| Who | Number |\n|:--|--:|\n| Help desk | 555-0100 |\n\nSee <https://status.example/>.");

        var html = Parser.ParseDocument($"<body>{rendered.Html}</body>");
        Assert.Empty(rendered.Removed);
        Assert.False(rendered.ContainsRawHtml);
        Assert.Equal("Phones", html.QuerySelector("h3")!.TextContent);
        Assert.Equal("555-0100", html.QuerySelector("tbody td:last-child")!.TextContent);
        Assert.Empty(html.QuerySelectorAll("[style]"));
        Assert.Equal("https://status.example/", html.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Page_PracticeAdmin_ReadsItSanitised()
    {
        // Arrange
        var slug = TestAccounts.Unique("oak");
        await _app.CreateOrganizationAsync(slug, "Oak Pediatrics");
        var admin = await _app.CreatePracticeAdminAsync(TestAccounts.Unique("pat"), slug);
        await _app.WriteProcedureAsync(Hostile);
        using var browser = _app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(admin.Username, TestAccounts.Password)).StatusCode);

        // Act
        var (response, page) = await browser.GetPageAsync("/downtime-procedure");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var procedure = page.QuerySelector("[data-testid=procedure]")!;
        Assert.Equal("While the portal is down", procedure.QuerySelector("h2")!.TextContent);
        AssertNothingExecutable(procedure);
        Assert.Contains("Last updated 2026-03-02 09:00 UTC", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PlatformRoles.SupportAgent)]
    [InlineData(PlatformRoles.PlatformAdmin)]
    public async Task Page_PlatformStaff_ReadIt(PlatformRoles role)
    {
        var staff = await _app.CreateAccountAsync(TestAccounts.Unique("ops"), null, platformRoles: role);
        await _app.WriteProcedureAsync("Call the **help desk**.");
        using var browser = _app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(staff.Username, TestAccounts.Password)).StatusCode);

        var (response, page) = await browser.GetPageAsync("/downtime-procedure");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("help desk", page.QuerySelector("[data-testid=procedure] strong")!.TextContent);
    }

    [Fact]
    public async Task Page_StaffMember_403SayingWhomToAsk()
    {
        var slug = TestAccounts.Unique("oak");
        await _app.CreateOrganizationAsync(slug, "Oak Pediatrics");
        var staff = await _app.CreateAccountAsync(TestAccounts.Unique("sam"), slug);
        await _app.WriteProcedureAsync("Secret phone tree.");
        using var browser = _app.CreateBrowser();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(staff.Username, TestAccounts.Password)).StatusCode);

        var (response, page) = await browser.GetPageAsync("/downtime-procedure");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("The downtime procedure is for practice administrators.", page.QuerySelector("[data-testid=procedure-forbidden]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret phone tree.", page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_Anonymous_SentToSignIn()
    {
        using var anonymous = _app.CreateBrowser();

        var response = await anonymous.GetAsync("/downtime-procedure");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/sign-in?returnUrl=%2Fdowntime-procedure", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Page_NothingWritten_SaysSo()
    {
        var staff = await _app.CreateAccountAsync(TestAccounts.Unique("ops"), null, platformRoles: PlatformRoles.PlatformAdmin);
        using var browser = _app.CreateBrowser();
        await browser.SignInAsync(staff.Username, TestAccounts.Password);

        var (response, page) = await browser.GetPageAsync("/downtime-procedure");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("The operators have not written a downtime procedure yet.", page.QuerySelector("[data-testid=procedure-missing]")!.TextContent.Split(" The status page")[0]);
    }

    /// <summary>No script, iframe, object or embed; no on* attribute; no javascript: or data: URL anywhere.</summary>
    private static void AssertNothingExecutable(IParentNode html)
    {
        Assert.Empty(html.QuerySelectorAll("script, iframe, object, embed, form, style, link, meta, base"));
        foreach (var element in html.QuerySelectorAll("*"))
        {
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"<{element.LocalName} {attribute.Name}> survived.");
                Assert.DoesNotContain("javascript:", attribute.Value, StringComparison.OrdinalIgnoreCase);
                Assert.False(attribute.Value.TrimStart().StartsWith("data:", StringComparison.OrdinalIgnoreCase), $"<{element.LocalName} {attribute.Name}=\"{attribute.Value}\"> survived.");
            }
        }
    }
}

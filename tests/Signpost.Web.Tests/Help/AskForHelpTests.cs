using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Incidents;
using Signpost.Web.Tests.Infrastructure;
using Signpost.Web.Tests.Recovery;

namespace Signpost.Web.Tests.Help;

/// <summary>"Ask for help" on "Can't sign in?": an incident with every fact, from someone who proved nothing.</summary>
public sealed class AskForHelpTests(RecoveryApp app) : IClassFixture<RecoveryApp>
{
    /// <summary>The smallest PNG: signature, IHDR, IDAT, IEND (1×1 pixel).</summary>
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    [Fact]
    public async Task FailedSignIn_ToFiledIncident_CarriesTraceAccountFactsScreenshot_AndShowsTextEscaped()
    {
        // Arrange: a wrong password, then "Can't sign in?" from the failure's link.
        var member = await app.MemberAsync("asker");
        using var browser = Browser("203.0.113.11");
        var failed = await TestBrowser.ParseAsync(await browser.SignInAsync(member.Username, TestAccounts.WrongPassword));
        var traceId = failed.QuerySelector("[data-testid=trace-id]")!.TextContent;
        var checkForm = await browser.OpenFormAsync(failed.QuerySelector("[data-testid=cant-sign-in]")!.GetAttribute("href")!);
        var checkedPage = await TestBrowser.ParseAsync(await browser.SubmitAsync(checkForm, [new("identifier", member.Username)]));

        // Act
        var (response, page) = await AskAsync(browser, checkedPage, "<script>alert('x')</script> I typed my password and it says no.", "+1 (555) 010-2030 x12", Png, "image/png");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = Guid.Parse(page.QuerySelector("[data-testid=filed]")!.GetAttribute("data-incident")!);
        var incident = await app.WithDbAsync(db => db.Set<Incident>().AsNoTracking().SingleAsync(i => i.Id == id));
        Assert.Equal(member.Id, incident.AccountId);
        Assert.Equal(IncidentStatus.Open, incident.Status);
        Assert.Equal([traceId], incident.TraceIdList);
        Assert.Equal("+1 (555) 010-2030 x12", incident.CallbackNumber);
        Assert.StartsWith("<script>alert('x')</script> I typed", incident.Description, StringComparison.Ordinal);
        Assert.Contains("Client check (collected by the page):", incident.Description, StringComparison.Ordinal);
        Assert.Contains("- Cookies: Working (Ok)", incident.Description, StringComparison.Ordinal);
        Assert.Contains($"\"providerId\":\"{member.Username}\"", incident.DataPoints, StringComparison.Ordinal);
        Assert.Contains("\"reasonCode\":\"invalid_credentials\"", incident.DataPoints, StringComparison.Ordinal);
        Assert.True(incident.HasScreenshot);
        var screenshot = await app.WithDbAsync(db => db.Set<IncidentScreenshot>().AsNoTracking().SingleAsync(s => s.IncidentId == id));
        Assert.Equal("image/png", screenshot.ContentType);
        Assert.Equal(Png, screenshot.Bytes);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "incident.create" && a.TargetId == id.ToString())));
        Assert.DoesNotContain("<script>alert", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KnownAndUnknownIdentifier_GetTheSameAnswer()
    {
        var member = await app.MemberAsync("same");
        using var known = Browser("203.0.113.12");
        using var unknown = Browser("203.0.113.13");

        var (_, knownPage) = await AskAsync(known, await CheckedAsync(known, member.Username), "Cannot get in.", "", null, null);
        var (_, unknownPage) = await AskAsync(unknown, await CheckedAsync(unknown, "nobody-" + Guid.NewGuid().ToString("N")[..6]), "Cannot get in.", "", null, null);

        Assert.Equal(Answer(knownPage), Answer(unknownPage));
        var unknownId = Guid.Parse(unknownPage.QuerySelector("[data-testid=filed]")!.GetAttribute("data-incident")!);
        Assert.Null((await app.WithDbAsync(db => db.Set<Incident>().AsNoTracking().SingleAsync(i => i.Id == unknownId))).AccountId);

        static string Answer(IHtmlDocument page) =>
            page.QuerySelector("[data-testid=filed]")!.TextContent.Replace(page.QuerySelector("[data-testid=incident-ref]")!.TextContent, "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain", "The screenshot must be a PNG or JPEG image.")]
    [InlineData("image/png", "The screenshot may be at most 2 MB.")]
    public async Task BadScreenshot_IsRefusedWithTheReason_AndNothingIsFiled(string contentType, string expected)
    {
        using var browser = Browser(contentType == "text/plain" ? "203.0.113.14" : "203.0.113.15");
        var before = await app.WithDbAsync(db => db.Set<Incident>().CountAsync());
        var bytes = contentType == "text/plain" ? "GIF89a not really"u8.ToArray() : [.. Png, .. new byte[IncidentScreenshot.MaxBytes]];

        var (response, page) = await AskAsync(browser, await CheckedAsync(browser, ""), "Here is my screen.", "", bytes, contentType);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(expected, page.QuerySelector("[data-testid=ask-problems]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("[data-testid=filed]"));
        Assert.Equal(before, await app.WithDbAsync(db => db.Set<Incident>().CountAsync()));
    }

    [Fact]
    public async Task EmptyDescriptionOrBadCallback_NamesTheProblem()
    {
        using var browser = Browser("203.0.113.16");

        var (_, page) = await AskAsync(browser, await CheckedAsync(browser, ""), "   ", "call me maybe", null, null);

        var problems = page.QuerySelector("[data-testid=ask-problems]")!.TextContent;
        Assert.Contains("Describe what happened.", problems, StringComparison.Ordinal);
        Assert.Contains("The call-back number is not a phone number", problems, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverlongDescription_IsRefusedWithTheLimit()
    {
        using var browser = Browser("203.0.113.18");

        var (_, page) = await AskAsync(browser, await CheckedAsync(browser, ""), new string('w', 10_000), "", null, null);

        Assert.Contains($"under {Signpost.Web.Pages.CantSignInModel.MaxDescriptionLength} characters", page.QuerySelector("[data-testid=ask-problems]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SixthRequestInAnHour_FromOneAddress_IsRefused()
    {
        using var browser = Browser("203.0.113.17");
        var checkedPage = await CheckedAsync(browser, "");
        for (var i = 0; i < Signpost.Web.Pages.CantSignInModel.HelpRequestsPerHour; i++)
        {
            var (_, filed) = await AskAsync(browser, checkedPage, $"Request {i}", "", null, null);
            Assert.NotNull(filed.QuerySelector("[data-testid=filed]"));
        }

        var (_, refused) = await AskAsync(browser, checkedPage, "One more", "", null, null);

        Assert.Contains("in the last hour", refused.QuerySelector("[data-testid=ask-problems]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_PostedWithoutThisBrowsersAntiForgeryCookieAndToken_FilesNothing()
    {
        // Arrange: the form a victim's browser was given, posted by another site (no cookie comes along)
        // and by a browser holding an anti-forgery cookie of its own.
        var member = await app.MemberAsync("forged");
        using var victim = Browser("203.0.113.21");
        var checkedPage = await CheckedAsync(victim, member.Username);
        using var crossSite = app.CreateBrowser(handleCookies: false);
        crossSite.Http.DefaultRequestHeaders.Add(RecoveryApp.ClientIpHeader, "203.0.113.22");
        using var other = Browser("203.0.113.23");
        await other.OpenFormAsync("/cant-sign-in");
        var marker = "forged " + Guid.NewGuid().ToString("N");

        // Act
        var (noCookie, noCookiePage) = await AskAsync(crossSite, checkedPage, marker, "", null, null);
        var (mismatched, mismatchedPage) = await AskAsync(other, checkedPage, marker, "", null, null);

        // Assert: a clear answer, never a filed incident.
        Assert.Equal(HttpStatusCode.OK, noCookie.StatusCode);
        Assert.Equal(HttpStatusCode.OK, mismatched.StatusCode);
        Assert.Contains("did not send back the cookie", noCookiePage.QuerySelector("[data-testid=ask-problems]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("out of date", mismatchedPage.QuerySelector("[data-testid=ask-problems]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(noCookiePage.QuerySelector("[data-testid=filed]"));
        Assert.Null(mismatchedPage.QuerySelector("[data-testid=filed]"));
        Assert.False(await app.WithDbAsync(db => db.Set<Incident>().AnyAsync(i => i.Description != null && i.Description.StartsWith(marker))));
    }

    private TestBrowser Browser(string ip)
    {
        var browser = app.CreateBrowser();
        browser.Http.DefaultRequestHeaders.Add(RecoveryApp.ClientIpHeader, ip);
        return browser;
    }

    private static async Task<IHtmlDocument> CheckedAsync(TestBrowser browser, string identifier)
    {
        var form = await browser.OpenFormAsync("/cant-sign-in");
        return await TestBrowser.ParseAsync(await browser.SubmitAsync(form, [new("identifier", identifier)]));
    }

    /// <summary>Fills the "Ask for help" form the checked page rendered and posts it as multipart, as a browser does.</summary>
    private static async Task<(HttpResponseMessage Response, IHtmlDocument Page)> AskAsync(
        TestBrowser browser, IHtmlDocument checkedPage, string description, string callback, byte[]? screenshot, string? contentType)
    {
        var form = HtmlForm.From(checkedPage, "/cant-sign-in", "[data-testid=ask-form]");
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in form.With([new("description", description), new("callback", callback)]))
        {
            content.Add(new StringContent(value), name);
        }

        if (screenshot is not null)
        {
            var file = new ByteArrayContent(screenshot);
            file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
            content.Add(file, "screenshot", "screen.png");
        }

        var response = await browser.Http.PostAsync(new Uri(form.Action, UriKind.Relative), content);
        return (response, await TestBrowser.ParseAsync(response));
    }
}

using System.Net;
using Signpost.Core.Accounts;
using Signpost.Core.Escalation.Rules;
using Signpost.Core.Organizations;
using Signpost.Core.Reasons;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Troubleshooting;

/// <summary>
/// Attempts the sign-in page refuses before the password (the browser, its cookies) still name the account
/// the identifier resolves to, so support reads the person's story and the per-account escalation rules
/// relate the attempts. What the person sees does not change.
/// </summary>
public sealed class EarlyRefusalStoriesTests(DiagnosisApp app) : IClassFixture<DiagnosisApp>
{
    private const string Chrome120 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    private const string Chrome130 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

    [Fact]
    public async Task Story_OldBrowserRefusedThenUpdatedAndRefusedAgain_DiagnosisNamesTheAccountAndEscalatesTheBrowserRule()
    {
        // Arrange: a practice that blocks browsers outside the matrix, and support.
        var slug = TestAccounts.Unique("willow");
        await app.CreateOrganizationAsync(slug, "Willow Pediatrics", p => p.BrowserPolicy = BrowserPolicy.Block);
        var nora = await app.CreateAccountAsync(TestAccounts.Unique("nora"), slug);
        using var support = await app.SignedInAsync(PlatformRoles.SupportAgent);

        // Act: refused on an old Chrome, "updated" to a newer but still unsupported one, refused again.
        var first = await RefusedAsync(Chrome120, slug, nora.Username);
        var second = await RefusedAsync(Chrome130, slug, nora.Username);
        var (status, view) = await DiagnosisApp.GetJsonAsync(support, $"/api/v1/diagnoses/{second.TraceId}");

        // Assert: the person saw the browser answer both times; both events name the account.
        Assert.Equal((ReasonCodes.BrowserUnsupported, ReasonCodes.BrowserUnsupported), (first.Code, second.Code));
        foreach (var trace in new[] { first.TraceId, second.TraceId })
        {
            var recorded = await app.EventAsync(trace);
            Assert.Equal(nora.Id, recorded.AccountId);
            Assert.Equal(nora.Username, recorded.Identifier);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ReasonCodes.BrowserUnsupported, view.GetProperty("rootCause").GetProperty("code").GetString());
        Assert.Equal(nora.Username, view.GetProperty("username").GetString());
        Assert.NotEqual("Unknown", view.GetProperty("steps")[2].GetProperty("status").GetString());
        Assert.True(view.GetProperty("escalation").GetProperty("escalate").GetBoolean());
        Assert.Equal(BrowserUpdateRule.Id, view.GetProperty("escalation").GetProperty("ruleId").GetString());
    }

    [Fact]
    public async Task Story_CookiesBlocked_EventNamesTheAccountAndStep3ReadsItsState()
    {
        // Arrange
        var slug = TestAccounts.Unique("alder");
        await app.CreateOrganizationAsync(slug, "Alder Family Practice");
        var omar = await app.CreateAccountAsync(TestAccounts.Unique("omar"), slug);
        using var support = await app.SignedInAsync(PlatformRoles.SupportAgent);
        using var browser = app.CreateBrowser(handleCookies: false);
        var form = await browser.OpenFormAsync($"/o/{slug}");

        // Act
        var response = await browser.SubmitAsync(form, [new("identifier", omar.Username), new("password", TestAccounts.Password)]);
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(response));
        var (status, view) = await DiagnosisApp.GetJsonAsync(support, $"/api/v1/diagnoses/{failure.TraceId}");

        // Assert: the page is the same cookies answer; support sees whose attempt it was.
        Assert.Equal(ReasonCodes.CookiesDisabled, failure.Code);
        Assert.Equal(omar.Id, (await app.EventAsync(failure.TraceId)).AccountId);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ReasonCodes.CookiesDisabled, view.GetProperty("rootCause").GetProperty("code").GetString());
        var step3 = view.GetProperty("steps")[2];
        Assert.DoesNotContain(step3.GetProperty("evidence").EnumerateArray(), e => e.GetString()!.Contains("matched none", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refusal_UnknownIdentifier_SamePageAndNoAccount()
    {
        // Arrange
        var slug = TestAccounts.Unique("birch");
        await app.CreateOrganizationAsync(slug, "Birch Clinic", p => p.BrowserPolicy = BrowserPolicy.Block);
        var real = await app.CreateAccountAsync(TestAccounts.Unique("real"), slug);

        // Act: the same refusal for someone who exists and for an identifier nobody has.
        var known = await RefusedAsync(Chrome120, slug, real.Username);
        var unknown = await RefusedAsync(Chrome120, slug, TestAccounts.Unique("nobody"));

        // Assert: what the person sees is identical; only the record differs.
        Assert.Equal(known.Code, unknown.Code);
        Assert.Equal(known.Status, unknown.Status);
        Assert.Null((await app.EventAsync(unknown.TraceId)).AccountId);
        Assert.Equal(real.Id, (await app.EventAsync(known.TraceId)).AccountId);
    }

    private async Task<(string Code, string TraceId, HttpStatusCode Status)> RefusedAsync(string userAgent, string slug, string identifier)
    {
        using var browser = app.CreateBrowser(userAgent: userAgent);
        var response = await browser.SignInAsync(identifier, TestAccounts.Password, $"/o/{slug}");
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(response));
        return (failure.Code, failure.TraceId, response.StatusCode);
    }
}

using System.Net;
using Signpost.Core.Reasons;
using Signpost.Core.Tests.SingleSignOn.Saml;
using Signpost.Web.Sso.Saml;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso.Saml;

/// <summary>The practice-wide rules of single sign-on hold for a SAML connection as for an OpenID Connect one.</summary>
public sealed class SamlRulesTests(SsoAppFixture fixture) : IClassFixture<SsoAppFixture>
{
    private static readonly SamlTestIdp Idp = new();

    private SsoApp App => fixture.App;

    [Fact]
    public async Task HomeRealmDiscovery_EmailDomainOfSamlPractice_EndsAtItsProviderWithAnAuthnRequest()
    {
        var slug = TestAccounts.Unique("srealm");
        await App.CreateSamlConnectionAsync(slug, new SamlConnectionRequest(null, Idp.Metadata(), EmailDomains: [$"{slug}.example"]));
        using var browser = App.CreateBrowser();

        using var realm = await browser.GetAsync($"/sso?email=someone%40{slug}.example");
        Assert.Equal($"/sso/{slug}", realm.Headers.Location!.OriginalString);
        var (redirect, requestId) = await SsoApp.StartSamlAsync(browser, slug);

        Assert.StartsWith("https://idp.hostile.test/sso?SAMLRequest=", redirect.ToString(), StringComparison.Ordinal);
        Assert.Matches("^_[0-9a-f]{32}$", requestId);
    }

    [Fact]
    public async Task Required_SamlPractice_PracticePageGoesToProviderAndProvenPasswordIsRefused()
    {
        var slug = TestAccounts.Unique("sreq");
        await App.CreateSamlConnectionAsync(slug, new SamlConnectionRequest(null, Idp.Metadata(), Required: true));
        var member = await App.CreateMemberAsync(slug, $"rita@{slug}.example");
        using var browser = App.CreateBrowser();

        using var practicePage = await browser.GetAsync($"/o/{slug}");
        using var right = await browser.SignInAsync(member.Username, TestAccounts.Password);

        Assert.Equal(HttpStatusCode.Redirect, practicePage.StatusCode);
        Assert.Equal($"/sso/{slug}", practicePage.Headers.Location!.OriginalString);
        var failure = PageFailure.Read(await TestBrowser.ParseAsync(right));
        Assert.Equal(ReasonCodes.SsoRequired, failure.Code);
        Assert.Equal(ReasonCodes.SsoRequired, (await App.EventAsync(failure.TraceId)).ReasonCode);
        Assert.Null(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
    }
}

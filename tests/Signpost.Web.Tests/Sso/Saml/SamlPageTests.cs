using System.Net;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.SingleSignOn;
using Signpost.Core.Tests.SingleSignOn.Saml;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso.Saml;

/// <summary>Operators importing a practice's SAML metadata on <c>/platform/sso/{slug}/saml</c>, and the kind shown wherever the status is.</summary>
public sealed class SamlPageTests(SsoAppFixture fixture) : IClassFixture<SsoAppFixture>
{
    private const string ImportForm = "[data-testid=saml-import]";

    private SsoApp App => fixture.App;

    private async Task<TestBrowser> OperatorAsync()
    {
        var admin = await App.CreateAccountAsync(TestAccounts.Unique("operator"), null, platformRoles: PlatformRoles.PlatformAdmin);
        var browser = App.CreateBrowser();
        await browser.SignInAsync(admin.Username, TestAccounts.Password);
        return browser;
    }

    [Fact]
    public async Task Import_PastedMetadata_MakesASamlConnectionShownWithItsCertificate()
    {
        using var idp = new SamlTestIdp();
        var slug = TestAccounts.Unique("spage");
        await App.CreateOrganizationAsync(slug, "Saml Page Practice");
        using var browser = await OperatorAsync();

        var form = await browser.OpenFormAsync($"/platform/sso/{slug}/saml", ImportForm);
        using var imported = await browser.SubmitAsync(form, [new("MetadataXml", idp.Metadata())]);

        Assert.Equal(HttpStatusCode.Redirect, imported.StatusCode);
        Assert.Equal($"/platform/sso/{slug}/saml?done=imported", imported.Headers.Location!.OriginalString);
        var connection = await App.WithDbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Organization!.Slug == slug));
        Assert.Equal((SsoProtocol.Saml, SamlTestIdp.EntityId), (connection.Protocol, connection.Saml!.IdpEntityId));
        var audit = await App.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "sso.create" && e.TargetId == connection.Id.ToString()));
        Assert.NotNull(audit.ActorAccountId);
        Assert.Contains(idp.Certificate.Thumbprint, audit.After, StringComparison.Ordinal);

        var (page, document) = await browser.GetPageAsync($"/platform/sso/{slug}/saml");
        page.Dispose();
        Assert.Equal(idp.Certificate.Thumbprint, document.QuerySelector("[data-testid=saml-certificate] code")!.TextContent);
        Assert.Contains($"{SignpostFactory.PublicBaseUrl}/sso/saml/{slug}/acs", document.QuerySelector("[data-testid=saml-sp]")!.TextContent, StringComparison.Ordinal);
        var (orgPage, orgDocument) = await browser.GetPageAsync($"/platform/organizations/{slug}");
        orgPage.Dispose();
        Assert.Equal("Saml", orgDocument.QuerySelector("[data-testid=sso-status]")!.GetAttribute("data-protocol"));
    }

    [Fact]
    public async Task Import_NotMetadata_NamesTheFieldAndStoresNothing()
    {
        var slug = TestAccounts.Unique("spagebad");
        await App.CreateOrganizationAsync(slug, "Saml Page Practice");
        using var browser = await OperatorAsync();

        var form = await browser.OpenFormAsync($"/platform/sso/{slug}/saml", ImportForm);
        using var refused = await browser.SubmitAsync(form, [new("MetadataXml", "<html><body>a login page</body></html>")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("not the SAML 2.0 metadata of one entity", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await App.WithDbAsync(db => db.SsoConnections.AnyAsync(c => c.Organization!.Slug == slug)));
    }
}

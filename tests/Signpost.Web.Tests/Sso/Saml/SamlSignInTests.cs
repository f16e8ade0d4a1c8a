using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Sso;
using Signpost.Web.Sso.Saml;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso.Saml;

/// <summary>Full SAML sign-ins through a real identity provider (npm's samlify), its metadata imported by URL.</summary>
public sealed class SamlSignInTests(SsoAppFixture fixture) : IClassFixture<SsoAppFixture>
{
    private SsoApp App => fixture.App;

    [Fact]
    public async Task Import_MetadataByUrl_ReadsEntityIdSsoUrlAndSigningCertificate()
    {
        var slug = TestAccounts.Unique("smeta");
        await using var idp = await TestSamlIdp.StartAsync(slug);

        var connection = await App.CreateSamlConnectionAsync(slug, new SamlConnectionRequest(idp.MetadataUrl, null));

        var stored = await App.WithDbAsync(db => db.SsoConnections.AsNoTracking().SingleAsync(c => c.Id == connection.Id));
        Assert.Equal(SsoProtocol.Saml, stored.Protocol);
        Assert.Equal((idp.MetadataUrl, $"http://127.0.0.1:{idp.Port}/sso", idp.MetadataUrl),
            (stored.Saml!.IdpEntityId, stored.Saml.SsoUrl, stored.Saml.MetadataUrl));
        Assert.Equal([idp.Certificate.Thumbprint], stored.Saml.Certificates().Select(c => c.Thumbprint));
        Assert.True(await App.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "sso.create" && a.TargetId == connection.Id.ToString())));
    }

    [Fact]
    public async Task Import_MetadataThatIsNotMetadata_IsRefusedAndStoresNothing()
    {
        var slug = TestAccounts.Unique("sbad");
        var result = await App.WithServicesAsync(async services =>
        {
            await services.GetRequiredService<Signpost.Web.Platform.PlatformProvisioning>().CreateOrganizationAsync(slug, "Practice", null, "America/Chicago", CancellationToken.None).Done();
            return await services.GetRequiredService<SamlConnectionManager>().SaveAsync(slug, new SamlConnectionRequest(null, "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"), CancellationToken.None);
        });

        Assert.False(result.Succeeded);
        Assert.Contains("DTD", result.Message, StringComparison.Ordinal);
        Assert.False(await App.WithDbAsync(db => db.SsoConnections.AnyAsync(c => c.Organization!.Slug == slug)));
    }

    [Fact]
    public async Task SignIn_ThroughSamlify_LinksMemberByEmailAndStartsSession()
    {
        var slug = TestAccounts.Unique("sreal");
        await using var idp = await TestSamlIdp.StartAsync(slug);
        var connection = await App.CreateSamlConnectionAsync(slug, new SamlConnectionRequest(idp.MetadataUrl, null, EmailAttribute: "email"));
        var member = await App.CreateMemberAsync(slug, $"dana@{slug}.example");
        using var browser = App.CreateBrowser();

        var (redirect, requestId) = await SsoApp.StartSamlAsync(browser, slug);
        Assert.StartsWith($"http://127.0.0.1:{idp.Port}/sso?SAMLRequest=", redirect.ToString(), StringComparison.Ordinal);
        var (action, samlResponse) = await TestSamlIdp.SignInAsync(redirect, $"dana@{slug}.example");
        Assert.Equal(SsoApp.SamlAddresses(slug).Acs, action.ToString());
        using var response = await SsoApp.PostToAcsAsync(browser, slug, samlResponse);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.NotNull(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        var recorded = await App.EventOfAsync(response);
        Assert.Equal((SignInMethod.Sso, ReasonCodes.SignedIn, member.Id, connection.Id.ToString()), (recorded.Method, recorded.ReasonCode, recorded.AccountId, recorded.SsoConnectionId));
        var link = await App.WithDbAsync(db => db.SsoLinks.SingleAsync(l => l.ConnectionId == connection.Id));
        Assert.Equal((member.Id, "email", $"dana@{slug}.example"), (link.AccountId, link.LinkedBy, link.Subject));
        Assert.StartsWith("_", requestId, StringComparison.Ordinal);
        using var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task SignIn_ThroughSamlifyEncryptingToSignpostsMetadataCertificate_DecryptsAndStartsSession()
    {
        var slug = TestAccounts.Unique("senc");
        await using var idp = await TestSamlIdp.StartAsync(slug, encryptAssertions: true);
        var connection = await App.CreateSamlConnectionAsync(slug, new SamlConnectionRequest(idp.MetadataUrl, null, EmailAttribute: "email", RequireEncryption: true));
        var member = await App.CreateMemberAsync(slug, $"erin@{slug}.example");
        using var browser = App.CreateBrowser();
        // The provider's operator loads Signpost's metadata, as served: its encryption certificate is what samlify encrypts to.
        using (var metadata = await browser.GetAsync($"/sso/saml/{slug}"))
        {
            var xml = await metadata.Content.ReadAsStringAsync();
            Assert.Contains("<md:KeyDescriptor use=\"encryption\">", xml, StringComparison.Ordinal);
            await File.WriteAllTextAsync(idp.ServiceProviderMetadataPath, xml);
        }

        var (redirect, _) = await SsoApp.StartSamlAsync(browser, slug);
        var (_, samlResponse) = await TestSamlIdp.SignInAsync(redirect, $"erin@{slug}.example");
        var sent = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(samlResponse));
        Assert.Contains("EncryptedAssertion", sent, StringComparison.Ordinal);
        Assert.DoesNotContain($"erin@{slug}.example", sent, StringComparison.Ordinal);
        using var response = await SsoApp.PostToAcsAsync(browser, slug, samlResponse);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.NotNull(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        var recorded = await App.EventOfAsync(response);
        Assert.Equal((SignInMethod.Sso, ReasonCodes.SignedIn, member.Id, connection.Id.ToString()), (recorded.Method, recorded.ReasonCode, recorded.AccountId, recorded.SsoConnectionId));
        // The key is kept encrypted with the Data Protection key ring: the stored value is no PKCS#12 file.
        var stored = await App.WithDbAsync(db => db.SecretKeys.AsNoTracking().SingleAsync(k => k.Purpose == SamlEncryptionKey.Purpose));
        Assert.NotEqual(0x30, stored.Value[0]);
    }

    [Fact]
    public async Task SignIn_PlainAssertionWhereEncryptionIsRequired_IsRefusedWithReasonAndEvent()
    {
        var slug = TestAccounts.Unique("splain");
        await using var idp = await TestSamlIdp.StartAsync(slug);
        var connection = await App.CreateSamlConnectionAsync(slug, new SamlConnectionRequest(idp.MetadataUrl, null, EmailAttribute: "email", RequireEncryption: true));
        await App.CreateMemberAsync(slug, $"finn@{slug}.example");
        using var browser = App.CreateBrowser();

        var (redirect, _) = await SsoApp.StartSamlAsync(browser, slug);
        var (_, samlResponse) = await TestSamlIdp.SignInAsync(redirect, $"finn@{slug}.example");
        using var response = await SsoApp.PostToAcsAsync(browser, slug, samlResponse);

        Assert.Null(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        var recorded = await App.EventOfAsync(response);
        Assert.Equal((ReasonCodes.SsoProviderMisconfigured, connection.Id.ToString(), false), (recorded.ReasonCode, recorded.SsoConnectionId, recorded.Succeeded));
        Assert.Contains("requires an encrypted assertion", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_ResponseReplayedInTheSameBrowser_IsRefused()
    {
        var slug = TestAccounts.Unique("srepl");
        await using var idp = await TestSamlIdp.StartAsync(slug);
        var connection = await App.CreateSamlConnectionAsync(slug, new SamlConnectionRequest(idp.MetadataUrl, null, EmailAttribute: "email"));
        await App.CreateMemberAsync(slug, $"dana@{slug}.example");
        using var browser = App.CreateBrowser();
        var (redirect, _) = await SsoApp.StartSamlAsync(browser, slug);
        var (_, samlResponse) = await TestSamlIdp.SignInAsync(redirect, $"dana@{slug}.example");
        using (await SsoApp.PostToAcsAsync(browser, slug, samlResponse))
        {
        }

        // A second sign-in started in the browser; the old response posted against it.
        await SsoApp.StartSamlAsync(browser, slug);
        using var replayed = await SsoApp.PostToAcsAsync(browser, slug, samlResponse);

        var recorded = await App.EventOfAsync(replayed);
        Assert.Equal((ReasonCodes.SsoTokenInvalid, connection.Id.ToString(), false), (recorded.ReasonCode, recorded.SsoConnectionId, recorded.Succeeded));
        Assert.StartsWith("InResponseTo:", recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_OfASamlPractice_NamesItsEntityIdAndAssertionConsumerService()
    {
        var slug = TestAccounts.Unique("ssp");
        await using var idp = await TestSamlIdp.StartAsync(slug);
        await App.CreateSamlConnectionAsync(slug, new SamlConnectionRequest(idp.MetadataUrl, null));
        using var browser = App.CreateBrowser();

        using var response = await browser.GetAsync($"/sso/saml/{slug}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/samlmetadata+xml", response.Content.Headers.ContentType!.MediaType);
        var xml = await response.Content.ReadAsStringAsync();
        var (entityId, acs) = SsoApp.SamlAddresses(slug);
        Assert.Contains($"entityID=\"{entityId}\"", xml, StringComparison.Ordinal);
        Assert.Contains($"Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"{acs}\"", xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_CertificateExpiringSoon_WarnsWithItsDate()
    {
        var slug = TestAccounts.Unique("shealth");
        await using var idp = await TestSamlIdp.StartAsync(slug, days: 5);
        var connection = await App.CreateSamlConnectionAsync(slug, new SamlConnectionRequest(idp.MetadataUrl, null));
        var stored = await App.WithDbAsync(db => db.SsoConnections.AsNoTracking().Include(c => c.Organization).SingleAsync(c => c.Id == connection.Id));

        var report = await App.WithServicesAsync(services => services.GetRequiredService<SsoHealthChecker>().CheckAndRecordAsync(stored, CancellationToken.None));

        Assert.Equal(SsoHealthStatus.Warning, report.Status);
        var expiry = Assert.Single(report.Findings, f => f.Check == "key_expiry");
        Assert.True(expiry.Warning, expiry.Explanation);
        Assert.Contains("expires in", expiry.Explanation, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f.Check == "metadata" && f.Ok && !f.Warning);
        Assert.Equal(idp.Certificate.NotAfter.ToUniversalTime(), report.EarliestExpiry!.Value.UtcDateTime, TimeSpan.FromSeconds(1));
        Assert.True(await App.WithDbAsync(db => db.SsoHealthRecords.AnyAsync(r => r.ConnectionId == connection.Id && r.Status == SsoHealthStatus.Warning)));
    }
}

using System.Net;
using System.Xml;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Events;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn;
using Signpost.Core.SingleSignOn.Saml;
using Signpost.Core.Tests.SingleSignOn.Saml;
using Signpost.Web.Sso;
using Signpost.Web.Sso.Saml;
using Signpost.Web.Tests.Infrastructure;

namespace Signpost.Web.Tests.Sso.Saml;

/// <summary>
/// The published attacks on SAML, posted to a practice's assertion consumer service through the real app by a
/// hostile provider (signing in test code with SignedXml, its certificate imported from its metadata file): each
/// refused with its reason code, the failed check as evidence, the connection's ID on the event, and no session.
/// </summary>
public sealed class SamlAttackTests(SsoAppFixture fixture) : IClassFixture<SsoAppFixture>
{
    private static readonly SamlTestIdp Idp = new();
    private static readonly SamlTestIdp Stranger = new("CN=Someone else");

    private SsoApp App => fixture.App;

    public static TheoryData<string, string, string> Attacks => new()
    {
        { "unsigned", ReasonCodes.SsoSignatureInvalid, "signature: neither the response nor the assertion is signed" },
        { "unknown-certificate", ReasonCodes.SsoSignatureInvalid, "signature (assertion): the signature does not verify" },
        { "XSW1", ReasonCodes.SsoSignatureInvalid, "assertion: the response holds 2 assertions" },
        { "XSW2", ReasonCodes.SsoSignatureInvalid, "assertion: the response holds 2 assertions" },
        { "XSW3", ReasonCodes.SsoSignatureInvalid, "assertion: the response holds 2 assertions" },
        { "XSW4", ReasonCodes.SsoSignatureInvalid, "assertion: the response holds 2 assertions" },
        { "XSW5", ReasonCodes.SsoSignatureInvalid, "assertion: the response holds 2 assertions" },
        { "XSW6", ReasonCodes.SsoSignatureInvalid, "assertion: the response holds 2 assertions" },
        { "XSW7", ReasonCodes.SsoSignatureInvalid, "assertion: the response holds 2 assertions" },
        { "XSW8", ReasonCodes.SsoSignatureInvalid, "assertion: the response holds 2 assertions" },
        { "assertion-moved-to-extensions", ReasonCodes.SsoSignatureInvalid, "assertion: the assertion is not a direct child of the Response" },
        { "comment-injection", ReasonCodes.SsoTokenInvalid, "NameID: the NameID holds something other than text" },
        { "wrong-audience", ReasonCodes.SsoTokenInvalid, "audience:" },
        { "wrong-recipient", ReasonCodes.SsoTokenInvalid, "recipient:" },
        { "wrong-destination", ReasonCodes.SsoTokenInvalid, "destination:" },
        { "expired", ReasonCodes.SsoTokenInvalid, "expired:" },
        { "other-request", ReasonCodes.SsoTokenInvalid, "InResponseTo:" },
        { "dtd-external-entity", ReasonCodes.SsoTokenInvalid, "xml: the response contains a DTD" },
        { "sha1", ReasonCodes.SsoSignatureInvalid, "signature (assertion): signature method rsa-sha1 is refused" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Acs_Attack_IsRefusedWithItsReasonAndAnEvent(string attack, string code, string evidence)
    {
        var (slug, connection) = await PracticeAsync("sx");
        using var browser = App.CreateBrowser();
        var (_, requestId) = await SsoApp.StartSamlAsync(browser, slug);

        using var response = await SsoApp.PostToAcsAsync(browser, slug, SamlTestIdp.Base64(Forge(attack, Claims(slug, requestId))));

        var recorded = await AssertRefusedAsync(browser, response, code, connection.Id);
        Assert.StartsWith(evidence, recorded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acs_GenuineResponse_SignsInAndLinksByEmail()
    {
        var (slug, connection) = await PracticeAsync("sok");
        var member = await App.CreateMemberAsync(slug, $"dana@{slug}.example");
        using var browser = App.CreateBrowser();
        var (_, requestId) = await SsoApp.StartSamlAsync(browser, slug);

        using var response = await SsoApp.PostToAcsAsync(browser, slug, SamlTestIdp.Base64(Idp.Signed(Claims(slug, requestId))));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.NotNull(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        var recorded = await App.EventOfAsync(response);
        Assert.Equal((SignInMethod.Sso, ReasonCodes.SignedIn, member.Id, connection.Id.ToString()), (recorded.Method, recorded.ReasonCode, recorded.AccountId, recorded.SsoConnectionId));
        var link = await App.WithDbAsync(db => db.SsoLinks.SingleAsync(l => l.ConnectionId == connection.Id));
        Assert.Equal((member.Id, "email", $"dana@{slug}.example"), (link.AccountId, link.LinkedBy, link.Subject));
    }

    [Fact]
    public async Task Acs_ReplayedAssertionWithTheStolenRequestCookie_IsRefused()
    {
        var (slug, connection) = await PracticeAsync("srp");
        await App.CreateMemberAsync(slug, $"dana@{slug}.example");
        using var victim = App.CreateBrowser();
        var (_, requestId) = await SsoApp.StartSamlAsync(victim, slug);
        var acs = new Uri(TestBrowser.BaseUri, $"/sso/saml/{slug}/acs");
        var pending = victim.Cookies.GetCookies(acs)[SamlFlow.CookieName]!;
        var posted = SamlTestIdp.Base64(Idp.Signed(Claims(slug, requestId)));
        using (var first = await SsoApp.PostToAcsAsync(victim, slug, posted))
        {
            Assert.Equal("/", first.Headers.Location!.OriginalString);
        }

        // The attacker holds both the posted form and the browser's pending-request cookie (a shared computer, a proxy log).
        using var attacker = App.CreateBrowser();
        attacker.Cookies.Add(acs, new Cookie(pending.Name, pending.Value, pending.Path));
        using var replayed = await SsoApp.PostToAcsAsync(attacker, slug, posted);

        var recorded = await AssertRefusedAsync(attacker, replayed, ReasonCodes.SsoTokenInvalid, connection.Id, links: 1);
        Assert.StartsWith("replay: assertion", recorded.Detail, StringComparison.Ordinal);
        Assert.Equal(1, await App.WithDbAsync(db => db.SamlAssertionUses.CountAsync(u => u.ConnectionId == connection.Id)));
    }

    [Fact]
    public async Task Acs_UnsolicitedResponse_IsRefused()
    {
        var (slug, connection) = await PracticeAsync("sun");
        using var browser = App.CreateBrowser();

        using var response = await SsoApp.PostToAcsAsync(browser, slug, SamlTestIdp.Base64(Idp.Signed(Claims(slug, "_never-sent"))));

        var recorded = await AssertRefusedAsync(browser, response, ReasonCodes.SsoTokenInvalid, connection.Id);
        Assert.StartsWith("InResponseTo: this browser holds no sign-in in progress", recorded.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("%%% not base64 %%%")]
    [InlineData("PGEvPg==")]
    public async Task Acs_Garbage_IsRefusedNotA500(string value)
    {
        var (slug, connection) = await PracticeAsync("sgb");
        using var browser = App.CreateBrowser();
        await SsoApp.StartSamlAsync(browser, slug);

        using var response = await SsoApp.PostToAcsAsync(browser, slug, value);

        await AssertRefusedAsync(browser, response, ReasonCodes.SsoTokenInvalid, connection.Id);
    }

    [Fact]
    public async Task Acs_Sha1AllowedByTheConnection_IsAccepted()
    {
        var (slug, _) = await PracticeAsync("ssha", allowSha1: true);
        await App.CreateMemberAsync(slug, $"dana@{slug}.example");
        using var browser = App.CreateBrowser();
        var (_, requestId) = await SsoApp.StartSamlAsync(browser, slug);

        using var response = await SsoApp.PostToAcsAsync(browser, slug, SamlTestIdp.Base64(Idp.Signed(Claims(slug, requestId), sha1: true)));

        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    private async Task<(string Slug, SsoConnection Connection)> PracticeAsync(string prefix, bool allowSha1 = false)
    {
        var slug = TestAccounts.Unique(prefix);
        var connection = await App.CreateSamlConnectionAsync(slug, new SamlConnectionRequest(null, Idp.Metadata(), EmailAttribute: "email", AllowSha1: allowSha1));
        return (slug, connection);
    }

    private static SamlTestIdp.Claims Claims(string slug, string requestId)
    {
        var (entityId, acs) = SsoApp.SamlAddresses(slug);
        return new SamlTestIdp.Claims
        {
            Audience = entityId,
            Acs = acs,
            InResponseTo = requestId,
            Now = DateTimeOffset.UtcNow,
            NameId = $"dana@{slug}.example",
            Attributes = new() { ["email"] = $"dana@{slug}.example" },
        };
    }

    private static string Forge(string attack, SamlTestIdp.Claims claims)
    {
        switch (attack)
        {
            case "unsigned":
                return SamlTestIdp.Unsigned(claims);
            case "unknown-certificate":
                return Stranger.Signed(claims);
            case var xsw when xsw.StartsWith("XSW", StringComparison.Ordinal):
                return SamlAttacks.Wrap(Idp, claims, xsw).OuterXml;
            case "assertion-moved-to-extensions":
            {
                var document = SamlTestIdp.Load(Idp.Signed(claims));
                var extensions = document.CreateElement("samlp", "Extensions", SamlNames.Protocol);
                document.DocumentElement!.InsertAfter(extensions, document.DocumentElement.FirstChild);
                extensions.AppendChild(SamlTestIdp.Assertion(document));
                return document.OuterXml;
            }

            case "comment-injection":
            {
                var document = SamlTestIdp.Load(Idp.Signed(claims with { NameId = claims.NameId + ".evil.example" }));
                var nameId = (XmlElement)document.GetElementsByTagName("NameID", SamlNames.Assertion)[0]!;
                nameId.InnerXml = claims.NameId + "<!---->.evil.example";
                return document.OuterXml;
            }

            case "wrong-audience":
                return Idp.Signed(claims with { Audience = "https://other-sp.example" });
            case "wrong-recipient":
                return Idp.Signed(claims with { Recipient = "https://other-sp.example/acs" });
            case "wrong-destination":
                return Idp.Signed(claims with { Destination = "https://other-sp.example/acs" }, assertion: true, response: true);
            case "expired":
                return Idp.Signed(claims with { Now = claims.Now.AddMinutes(-10) });
            case "other-request":
                return Idp.Signed(claims with { InResponseTo = "_another-browsers-request" });
            case "dtd-external-entity":
                return "<!DOCTYPE r [<!ENTITY x SYSTEM \"http://127.0.0.1:1/xxe\">]>"
                    + Idp.Signed(claims).Replace($">{claims.NameId}</saml:NameID>", ">&x;</saml:NameID>", StringComparison.Ordinal);
            case "sha1":
                return Idp.Signed(claims, sha1: true);
            default:
                throw new ArgumentOutOfRangeException(nameof(attack));
        }
    }

    private async Task<SignInEvent> AssertRefusedAsync(TestBrowser browser, HttpResponseMessage response, string code, Guid connectionId, int links = 0)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(SsoSignIn.FailedPath + "?trace=", location, StringComparison.Ordinal);
        var recorded = await App.EventOfAsync(response);
        Assert.True(recorded.ReasonCode == code, $"Expected {code}, recorded {recorded.ReasonCode}: {recorded.Detail}");
        Assert.Equal((SignInMethod.Sso, code, connectionId.ToString(), false, null as Guid?),
            (recorded.Method, recorded.ReasonCode, recorded.SsoConnectionId, recorded.Succeeded, recorded.AccountId));
        Assert.Null(browser.Cookie(Signpost.Web.Infrastructure.SessionAuthentication.CookieName));
        Assert.Equal(links, await App.WithDbAsync(db => db.SsoLinks.CountAsync(l => l.ConnectionId == connectionId)));
        return recorded;
    }
}

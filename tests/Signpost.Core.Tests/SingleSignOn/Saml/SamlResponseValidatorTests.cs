using System.Security.Cryptography.Xml;
using System.Xml;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn.Saml;

namespace Signpost.Core.Tests.SingleSignOn.Saml;

/// <summary>
/// The response validator against responses a real provider signs and against the published attacks on SAML
/// (docs/saml.md "defences"): each attack is built from a validly signed response and must be refused with its
/// reason code.
/// </summary>
public sealed class SamlResponseValidatorTests
{
    private const string Sp = "https://signpost.test/saml/clinic";
    private const string Acs = "https://signpost.test/saml/clinic/acs";
    private const string RequestId = "_req0123456789abcdef";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    // Two RSA keys for the whole class: generating them per test is most of the run time.
    private static readonly SamlTestIdp idp = new();
    private static readonly SamlTestIdp stranger = new("CN=Someone else");

    private SamlTestIdp.Claims Claims => new() { Audience = Sp, Acs = Acs, InResponseTo = RequestId, Now = Now };

    private SamlExpectations Expected => new()
    {
        ServiceProviderEntityId = Sp,
        AssertionConsumerServiceUrl = Acs,
        IdentityProviderEntityId = SamlTestIdp.EntityId,
        SigningCertificates = [idp.PublicCertificate],
        RequestId = RequestId,
        Now = Now,
    };

    [Fact]
    public void Validate_SignedAssertion_ReadsNameIdAndAttributes()
    {
        var result = SamlResponseValidator.ValidateEncoded(SamlTestIdp.Base64(idp.Signed(Claims)), Expected);

        Assert.True(result.Succeeded, result.Evidence);
        Assert.Equal("dana@clinic.example", result.Facts!.NameId);
        Assert.Equal("dana@clinic.example", result.Facts.Value("email"));
        Assert.Equal(Now.AddMinutes(5), result.Facts.ExpiresAt);
        Assert.StartsWith("_a", result.Facts.AssertionId, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SignedResponseOnly_IsAccepted()
    {
        var result = SamlResponseValidator.Validate(idp.Signed(Claims, assertion: false, response: true), Expected);

        Assert.True(result.Succeeded, result.Evidence);
    }

    [Fact]
    public void Validate_BothSigned_IsAccepted()
    {
        Assert.True(SamlResponseValidator.Validate(idp.Signed(Claims, assertion: true, response: true), Expected).Succeeded);
    }

    [Fact]
    public void Validate_Unsigned_IsRefused()
    {
        Refused(SamlTestIdp.Unsigned(Claims), ReasonCodes.SsoSignatureInvalid, "neither the response nor the assertion is signed");
    }

    [Fact]
    public void Validate_SignedByUnknownCertificate_IsRefusedWhateverKeyInfoSays()
    {
        // The stranger's certificate travels in KeyInfo; Signpost never takes a key from the document.
        Refused(stranger.Signed(Claims), ReasonCodes.SsoSignatureInvalid, "does not verify with any of the connection's signing certificates");
    }

    [Fact]
    public void Validate_NameIdChangedAfterSigning_IsRefused()
    {
        var xml = idp.Signed(Claims).Replace(">dana@clinic.example</saml:NameID>", ">admin@clinic.example</saml:NameID>", StringComparison.Ordinal);

        Refused(xml, ReasonCodes.SsoSignatureInvalid, "does not verify");
    }

    [Fact]
    public void Validate_Sha1_IsRefusedByDefaultAndAcceptedWhenAllowed()
    {
        var xml = idp.Signed(Claims, sha1: true);

        Refused(xml, ReasonCodes.SsoSignatureInvalid, "rsa-sha1 is refused");
        Assert.True(SamlResponseValidator.Validate(xml, Expected with { AllowSha1 = true }).Succeeded);
    }

    [Fact]
    public void Validate_InclusiveCanonicalization_IsRefused()
    {
        Refused(idp.Signed(Claims, canonicalization: SignedXml.XmlDsigC14NTransformUrl), ReasonCodes.SsoSignatureInvalid, "exclusive canonicalization without comments only");
    }

    [Fact]
    public void Validate_CanonicalizationWithComments_IsRefused()
    {
        Refused(idp.Signed(Claims, canonicalization: SignedXml.XmlDsigExcC14NWithCommentsTransformUrl), ReasonCodes.SsoSignatureInvalid, "exclusive canonicalization without comments only");
    }

    /// <summary>The eight signature-wrapping variants of Somorovsky et al., "On Breaking SAML" (USENIX Security 2012), as SAML Raider builds them.</summary>
    public static TheoryData<string> WrappingVariants => ["XSW1", "XSW2", "XSW3", "XSW4", "XSW5", "XSW6", "XSW7", "XSW8"];

    [Theory]
    [MemberData(nameof(WrappingVariants))]
    public void Validate_SignatureWrapping_IsRefused(string variant)
    {
        var document = SamlAttacks.Wrap(idp, Claims, variant);

        var result = SamlResponseValidator.Validate(document.OuterXml, Expected);

        Assert.False(result.Succeeded, $"{variant} was accepted: {result.Facts?.NameId}");
        Assert.Equal(ReasonCodes.SsoSignatureInvalid, result.ReasonCode);
        Assert.Contains("signature-wrapping defence", result.Evidence, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(WrappingVariants))]
    public void SignatureWrapping_IsARealAttack_ANaiveVerifierAndReaderFallForIt(string variant)
    {
        // Keeps the catalogue honest: each variant passes SignedXml's own check and puts the victim where
        // Response/Assertion is read, so only Signpost's structure checks stand between it and a sign-in.
        var document = SamlAttacks.Wrap(idp, Claims, variant);
        var signature = (XmlElement)document.GetElementsByTagName("Signature", SamlNames.XmlDsig)[0]!;
        var naive = new SignedXml(document);
        naive.LoadXml(signature);

        Assert.True(naive.CheckSignature(idp.PublicCertificate, verifySignatureOnly: true));
        var read = document.DocumentElement!.ChildNodes.OfType<XmlElement>().First(e => e.LocalName == "Assertion");
        var names = new XmlNamespaceManager(document.NameTable);
        names.AddNamespace("saml", SamlNames.Assertion);
        Assert.Equal(SamlAttacks.Victim, read.SelectSingleNode("saml:Subject/saml:NameID", names)!.InnerText);
    }

    [Fact]
    public void Validate_SignedAssertionMovedIntoExtensions_IsRefused()
    {
        var document = SamlTestIdp.Load(idp.Signed(Claims));
        var assertion = SamlTestIdp.Assertion(document);
        var extensions = document.CreateElement("samlp", "Extensions", SamlNames.Protocol);
        document.DocumentElement!.InsertAfter(extensions, document.DocumentElement.FirstChild);
        extensions.AppendChild(assertion);

        Refused(document.OuterXml, ReasonCodes.SsoSignatureInvalid, "not a direct child of the Response");
    }

    [Fact]
    public void Validate_SignatureOnResponseReferencingTheAssertion_IsRefused()
    {
        // A valid signature over the assertion moved up to the response: it verifies, but not over its parent.
        var document = SamlTestIdp.Load(idp.Signed(Claims));
        var signature = (XmlElement)SamlTestIdp.Assertion(document).GetElementsByTagName("Signature", SamlNames.XmlDsig)[0]!;
        document.DocumentElement!.InsertAfter(signature, document.DocumentElement.FirstChild);

        Refused(document.OuterXml, ReasonCodes.SsoSignatureInvalid, "is not its parent element");
    }

    [Fact]
    public void Validate_DuplicatedId_IsRefused()
    {
        var document = SamlTestIdp.Load(idp.Signed(Claims));
        var extensions = document.CreateElement("samlp", "Extensions", SamlNames.Protocol);
        extensions.SetAttribute("ID", SamlTestIdp.Assertion(document).GetAttribute("ID"));
        document.DocumentElement!.InsertAfter(extensions, document.DocumentElement.FirstChild);

        Refused(document.OuterXml, ReasonCodes.SsoSignatureInvalid, "occurs more than once");
    }

    [Fact]
    public void Validate_CommentInjectedIntoNameId_IsRefusedAlthoughTheSignatureStillVerifies()
    {
        var document = SamlTestIdp.Load(idp.Signed(Claims with { NameId = "dana@clinic.example.evil.example" }));
        var nameId = (XmlElement)document.GetElementsByTagName("NameID", SamlNames.Assertion)[0]!;
        nameId.InnerXml = "dana@clinic.example<!---->.evil.example";
        var signature = (XmlElement)SamlTestIdp.Assertion(document).GetElementsByTagName("Signature", SamlNames.XmlDsig)[0]!;

        // Exclusive canonicalization drops comments: the attack keeps a valid signature, so only the reader can stop it.
        Assert.Null(SamlSignatureCheck.Verify(signature, [idp.PublicCertificate], allowSha1: false));
        Refused(document.OuterXml, ReasonCodes.SsoTokenInvalid, "comment-injection defence");
    }

    [Fact]
    public void Validate_CommentInjectedIntoAttribute_IsRefused()
    {
        var document = SamlTestIdp.Load(idp.Signed(Claims with { Attributes = new() { ["email"] = "dana@clinic.example.evil.example" } }));
        var value = (XmlElement)document.GetElementsByTagName("AttributeValue", SamlNames.Assertion)[0]!;
        value.InnerXml = "dana@clinic.example<!---->.evil.example";

        Refused(document.OuterXml, ReasonCodes.SsoTokenInvalid, "comment-injection defence");
    }

    [Fact]
    public void Validate_DtdWithExternalEntity_IsRefusedBeforeAnythingIsFetched()
    {
        var xml = "<!DOCTYPE r [<!ENTITY x SYSTEM \"http://127.0.0.1:1/xxe\">]>" + idp.Signed(Claims).Replace(">dana@clinic.example</saml:NameID>", ">&x;</saml:NameID>", StringComparison.Ordinal);

        Refused(xml, ReasonCodes.SsoTokenInvalid, "contains a DTD");
    }

    [Fact]
    public void Validate_BillionLaughs_IsRefused()
    {
        var xml = "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>" + idp.Signed(Claims);

        Refused(xml, ReasonCodes.SsoTokenInvalid, "contains a DTD");
    }

    [Fact]
    public void Validate_WrongAudience_IsRefused() =>
        Refused(idp.Signed(Claims with { Audience = "https://other-sp.example" }), ReasonCodes.SsoTokenInvalid, "audience:");

    [Fact]
    public void Validate_WrongRecipient_IsRefused() =>
        Refused(idp.Signed(Claims with { Recipient = "https://other-sp.example/acs" }), ReasonCodes.SsoTokenInvalid, "recipient:");

    [Fact]
    public void Validate_WrongDestination_IsRefused() =>
        Refused(idp.Signed(Claims with { Destination = "https://other-sp.example/acs" }, assertion: true, response: true), ReasonCodes.SsoTokenInvalid, "destination:");

    [Fact]
    public void Validate_SignedResponseWithoutDestination_IsRefused()
    {
        var document = SamlTestIdp.Load(SamlTestIdp.Unsigned(Claims));
        document.DocumentElement!.RemoveAttribute("Destination");
        idp.Sign(document, assertion: false, response: true);

        Refused(document.OuterXml, ReasonCodes.SsoTokenInvalid, "destination:");
    }

    [Fact]
    public void Validate_Expired_IsRefused() =>
        Refused(idp.Signed(Claims with { Now = Now.AddMinutes(-10) }), ReasonCodes.SsoTokenInvalid, "expired:");

    [Fact]
    public void Validate_WithinSkew_IsAccepted() =>
        Assert.True(SamlResponseValidator.Validate(idp.Signed(Claims with { Now = Now.AddMinutes(-6) }), Expected).Succeeded);

    [Fact]
    public void Validate_NotYetValid_IsRefused() =>
        Refused(idp.Signed(Claims with { Now = Now.AddMinutes(10) }), ReasonCodes.SsoTokenInvalid, "not yet valid:");

    [Fact]
    public void Validate_InResponseToAnotherRequest_IsRefused() =>
        Refused(idp.Signed(Claims with { InResponseTo = "_someone-elses-request" }), ReasonCodes.SsoTokenInvalid, "InResponseTo:");

    [Fact]
    public void Validate_WrongIssuer_IsRefused() =>
        Refused(idp.Signed(Claims with { Issuer = "https://idp.other.example" }), ReasonCodes.SsoTokenInvalid, "issuer:");

    [Fact]
    public void Validate_ProviderSaysAuthnFailed_IsCancelled()
    {
        var xml = $"""<samlp:Response xmlns:samlp="{SamlNames.Protocol}" ID="_r1" Version="2.0" IssueInstant="2026-12-06T12:00:00Z" InResponseTo="{RequestId}"><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode></samlp:Status></samlp:Response>""";

        Refused(xml, ReasonCodes.SsoCancelled, "AuthnFailed");
    }

    [Fact]
    public void Validate_EncryptedAssertionWithoutKey_SaysSo()
    {
        var xml = SamlTestIdp.Encrypt(SamlTestIdp.Load(idp.Signed(Claims)), idp.PublicCertificate).OuterXml;

        Refused(xml, ReasonCodes.SsoProviderMisconfigured, "encrypted assertion and Signpost holds no decryption key");
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("PGE+PC9i")]
    [InlineData("")]
    public void ValidateEncoded_Garbage_IsRefusedNotThrown(string value) =>
        Assert.Equal(ReasonCodes.SsoTokenInvalid, SamlResponseValidator.ValidateEncoded(value, Expected).ReasonCode);

    private void Refused(string xml, string reasonCode, string evidence)
    {
        var result = SamlResponseValidator.Validate(xml, Expected);

        Assert.False(result.Succeeded, "accepted: " + result.Facts?.NameId);
        Assert.Equal(reasonCode, result.ReasonCode);
        Assert.Contains(evidence, result.Evidence, StringComparison.Ordinal);
    }
}

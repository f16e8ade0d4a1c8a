using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using Signpost.Core.Reasons;
using Signpost.Core.SingleSignOn.Saml;

namespace Signpost.Core.Tests.SingleSignOn.Saml;

/// <summary>
/// Encrypted assertions (docs/saml.md "encrypted assertions"): encrypted by the test provider with
/// System.Security.Cryptography.Xml to Signpost's certificate, decrypted by the validator, and then held to every
/// check a plain assertion meets.
/// </summary>
public sealed class SamlEncryptedAssertionTests
{
    private const string Sp = "https://signpost.test/saml/clinic";
    private const string Acs = "https://signpost.test/saml/clinic/acs";
    private const string RequestId = "_req0123456789abcdef";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static readonly SamlTestIdp idp = new();
    private static readonly SamlTestIdp stranger = new("CN=Someone else");
    private static readonly X509Certificate2 signpostKey = SamlTestIdp.NewEncryptionCertificate();
    private static readonly X509Certificate2 otherKey = SamlTestIdp.NewEncryptionCertificate("CN=Another service provider");

    private SamlTestIdp.Claims Claims => new() { Audience = Sp, Acs = Acs, InResponseTo = RequestId, Now = Now };

    private static X509Certificate2 Public(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert));

    private SamlExpectations Expected => new()
    {
        ServiceProviderEntityId = Sp,
        AssertionConsumerServiceUrl = Acs,
        IdentityProviderEntityId = SamlTestIdp.EntityId,
        SigningCertificates = [idp.PublicCertificate],
        RequestId = RequestId,
        Now = Now,
        DecryptionCertificates = [signpostKey],
    };

    private string SignedThenEncrypted(SamlTestIdp signer, X509Certificate2 to, bool oaep = true) =>
        SamlTestIdp.Encrypt(signer.Sign(SamlTestIdp.Load(SamlTestIdp.Unsigned(Claims))), Public(to), oaep).OuterXml;

    [Fact]
    public void Validate_SignedAssertionEncryptedToSignpost_IsDecryptedAndRead()
    {
        var xml = SignedThenEncrypted(idp, signpostKey);
        Assert.DoesNotContain("dana@clinic.example", xml, StringComparison.Ordinal);

        var result = SamlResponseValidator.ValidateEncoded(SamlTestIdp.Base64(xml), Expected);

        Assert.True(result.Succeeded, result.Evidence);
        Assert.Equal("dana@clinic.example", result.Facts!.NameId);
        Assert.Equal("dana@clinic.example", result.Facts.Value("email"));
    }

    [Fact]
    public void Validate_UnsignedAssertionEncryptedInSignedResponse_IsAccepted()
    {
        // The response signature covers the ciphertext; it is verified before decryption changes the document.
        var document = SamlTestIdp.Encrypt(SamlTestIdp.Load(SamlTestIdp.Unsigned(Claims)), Public(signpostKey));
        idp.SignElement(document, document.DocumentElement!);

        var result = SamlResponseValidator.Validate(document.OuterXml, Expected);

        Assert.True(result.Succeeded, result.Evidence);
    }

    [Fact]
    public void Validate_UnsignedAssertionEncryptedInUnsignedResponse_IsRefused()
    {
        // Encryption is not authentication: anyone can encrypt to Signpost's published certificate.
        var xml = SamlTestIdp.Encrypt(SamlTestIdp.Load(SamlTestIdp.Unsigned(Claims)), Public(signpostKey)).OuterXml;

        Refused(xml, Expected, ReasonCodes.SsoSignatureInvalid, "neither the response nor the assertion is signed");
    }

    [Fact]
    public void Validate_EncryptedToAnotherKey_IsRefused()
    {
        Refused(SignedThenEncrypted(idp, otherKey), Expected, ReasonCodes.SsoProviderMisconfigured, "not encrypted to Signpost's encryption certificate");
    }

    [Fact]
    public void Validate_Rsa15KeyTransport_IsRefusedBeforeDecrypting()
    {
        Refused(SignedThenEncrypted(idp, signpostKey, oaep: false), Expected, ReasonCodes.SsoProviderMisconfigured, "key transport rsa-1_5 is refused");
    }

    [Fact]
    public void Validate_EncryptedAndPlainAssertionTogether_IsRefused()
    {
        var document = SamlTestIdp.Load(SignedThenEncrypted(idp, signpostKey));
        var plain = SamlTestIdp.Load(idp.Signed(Claims with { AssertionId = "_second" }));
        document.DocumentElement!.AppendChild(document.ImportNode(SamlTestIdp.Assertion(plain), true));

        Refused(document.OuterXml, Expected, ReasonCodes.SsoSignatureInvalid, "1 encrypted and 1 plain assertions");
    }

    [Fact]
    public void Validate_TwoEncryptedAssertions_IsRefused()
    {
        var document = SamlTestIdp.Load(SignedThenEncrypted(idp, signpostKey));
        var second = SamlTestIdp.Load(SignedThenEncrypted(idp, signpostKey));
        var encrypted = second.GetElementsByTagName("EncryptedAssertion", SamlNames.Assertion)[0]!;
        document.DocumentElement!.AppendChild(document.ImportNode(encrypted, true));

        Refused(document.OuterXml, Expected, ReasonCodes.SsoSignatureInvalid, "2 encrypted and 0 plain assertions");
    }

    [Fact]
    public void Validate_EncryptedAssertionSignedByUnknownCertificate_IsRefused()
    {
        Refused(SignedThenEncrypted(stranger, signpostKey), Expected, ReasonCodes.SsoSignatureInvalid, "signature (assertion): the signature does not verify");
    }

    [Fact]
    public void Validate_PlainAssertionWhenEncryptionRequired_IsRefused()
    {
        Refused(idp.Signed(Claims), Expected with { RequireEncryption = true }, ReasonCodes.SsoProviderMisconfigured, "requires an encrypted assertion");
    }

    [Fact]
    public void Validate_EncryptedAssertionWhenEncryptionRequired_IsAccepted()
    {
        Assert.True(SamlResponseValidator.Validate(SignedThenEncrypted(idp, signpostKey), Expected with { RequireEncryption = true }).Succeeded);
    }

    [Fact]
    public void Validate_EncryptedAssertionWithoutDecryptionKey_IsRefused()
    {
        Refused(SignedThenEncrypted(idp, signpostKey), Expected with { DecryptionCertificates = [] }, ReasonCodes.SsoProviderMisconfigured, "holds no decryption key");
    }

    [Fact]
    public void Validate_CiphertextChanged_IsRefusedWithOneEvidence()
    {
        var document = SamlTestIdp.Load(SignedThenEncrypted(idp, signpostKey));
        // The EncryptedData's own CipherValue is the last one in document order (the EncryptedKey's comes first).
        var values = document.GetElementsByTagName("CipherValue", SamlNames.XmlEnc);
        var value = (XmlElement)values[values.Count - 1]!;
        var bytes = Convert.FromBase64String(value.InnerText);
        bytes[^20] ^= 0x5a;
        value.InnerText = Convert.ToBase64String(bytes);

        var result = SamlResponseValidator.Validate(document.OuterXml, Expected);

        Assert.False(result.Succeeded);
        Assert.Contains(result.ReasonCode, new[] { ReasonCodes.SsoTokenInvalid, ReasonCodes.SsoSignatureInvalid });
    }

    [Fact]
    public void Validate_SignedResponseAroundChangedCiphertext_IsRefusedBeforeDecrypting()
    {
        var document = SamlTestIdp.Encrypt(SamlTestIdp.Load(SamlTestIdp.Unsigned(Claims)), Public(signpostKey));
        idp.SignElement(document, document.DocumentElement!);
        var values = document.GetElementsByTagName("CipherValue", SamlNames.XmlEnc);
        var value = (XmlElement)values[values.Count - 1]!;
        var bytes = Convert.FromBase64String(value.InnerText);
        bytes[^1] ^= 0x01;
        value.InnerText = Convert.ToBase64String(bytes);

        Refused(document.OuterXml, Expected, ReasonCodes.SsoSignatureInvalid, "signature (response)");
    }

    [Fact]
    public void Validate_AesGcmWithOaepSha256_IsDecryptedAndRead()
    {
        var result = SamlResponseValidator.Validate(Gcm(idp.Sign(SamlTestIdp.Load(SamlTestIdp.Unsigned(Claims))), Public(signpostKey)).OuterXml, Expected);

        Assert.True(result.Succeeded, result.Evidence);
        Assert.Equal("dana@clinic.example", result.Facts!.NameId);
    }

    [Fact]
    public void Validate_AesGcmTagChanged_IsRefusedAsUndecryptable()
    {
        var xml = Gcm(idp.Sign(SamlTestIdp.Load(SamlTestIdp.Unsigned(Claims))), Public(signpostKey), flipLastByte: true).OuterXml;

        Refused(xml, Expected, ReasonCodes.SsoTokenInvalid, SamlDecryption.Undecryptable);
    }

    [Fact]
    public void Validate_OaepDigestAndMaskDisagree_IsRefused()
    {
        var xml = Gcm(idp.Sign(SamlTestIdp.Load(SamlTestIdp.Unsigned(Claims))), Public(signpostKey), mgf: SamlNames.Mgf1Sha1).OuterXml;

        Refused(xml, Expected, ReasonCodes.SsoProviderMisconfigured, "the digest and MGF1 hash must be the same");
    }

    /// <summary>AES-256-GCM data and xmlenc11 RSA-OAEP (SHA-256) key transport, written by hand: EncryptedXml does neither.</summary>
    private static XmlDocument Gcm(XmlDocument document, X509Certificate2 to, bool flipLastByte = false, string mgf = SamlNames.Mgf1Sha256)
    {
        var assertion = SamlTestIdp.Assertion(document);
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plain = Encoding.UTF8.GetBytes(assertion.OuterXml);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(nonce, plain, cipher, tag);
        }

        byte[] data = [.. nonce, .. cipher, .. tag];
        if (flipLastByte)
        {
            data[^1] ^= 0x01;
        }

        var wrapped = to.GetRSAPublicKey()!.Encrypt(key, RSAEncryptionPadding.OaepSHA256);
        var fragment = SamlTestIdp.Load(
            $"<saml:EncryptedAssertion xmlns:saml=\"{SamlNames.Assertion}\"><xenc:EncryptedData xmlns:xenc=\"{SamlNames.XmlEnc}\" Type=\"http://www.w3.org/2001/04/xmlenc#Element\">"
            + $"<xenc:EncryptionMethod Algorithm=\"{SamlNames.Aes256Gcm}\"/><ds:KeyInfo xmlns:ds=\"{SamlNames.XmlDsig}\"><xenc:EncryptedKey>"
            + $"<xenc:EncryptionMethod Algorithm=\"{SamlNames.RsaOaep}\"><ds:DigestMethod Algorithm=\"{SamlNames.Sha256}\"/><xenc11:MGF xmlns:xenc11=\"{SamlNames.XmlEnc11}\" Algorithm=\"{mgf}\"/></xenc:EncryptionMethod>"
            + $"<xenc:CipherData><xenc:CipherValue>{Convert.ToBase64String(wrapped)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>"
            + $"<xenc:CipherData><xenc:CipherValue>{Convert.ToBase64String(data)}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>");
        assertion.ParentNode!.ReplaceChild(document.ImportNode(fragment.DocumentElement!, true), assertion);
        return document;
    }

    private static void Refused(string xml, SamlExpectations expected, string reasonCode, string evidence)
    {
        var result = SamlResponseValidator.Validate(xml, expected);

        Assert.False(result.Succeeded, "accepted: " + xml);
        Assert.Equal(reasonCode, result.ReasonCode);
        Assert.Contains(evidence, result.Evidence, StringComparison.Ordinal);
    }
}

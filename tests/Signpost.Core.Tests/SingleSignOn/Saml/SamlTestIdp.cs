using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Security;
using System.Xml;

namespace Signpost.Core.Tests.SingleSignOn.Saml;

/// <summary>
/// A hostile SAML identity provider in test code: mints responses with its own RSA key, signed with
/// System.Security.Cryptography.Xml as a real provider signs them, and lets a test tamper with the XML
/// afterwards (signature wrapping, comment injection, DTDs). Shared by the Core and Web test suites.
/// </summary>
public sealed class SamlTestIdp : IDisposable
{
    public const string EntityId = "https://idp.hostile.test/metadata";

    /// <summary>A provider with a fresh RSA key; its certificate is valid <paramref name="days"/> days from now (a year unless given).</summary>
    public SamlTestIdp(string subject = "CN=Signpost test IdP", int days = 365)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(days).AddHours(1));
    }

    /// <summary>The signing certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate as the connection holds it: public part only.</summary>
    public X509Certificate2 PublicCertificate => X509CertificateLoader.LoadCertificate(Certificate.Export(X509ContentType.Cert));

    /// <summary>What goes into a response; every field can be made wrong by a test.</summary>
    public sealed record Claims
    {
        public required string Audience { get; init; }
        public required string Acs { get; init; }
        public required string InResponseTo { get; init; }
        public required DateTimeOffset Now { get; init; }
        public string NameId { get; init; } = "dana@clinic.example";
        public string NameIdFormat { get; init; } = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
        public string Issuer { get; init; } = EntityId;
        public string? Destination { get; init; }
        public string? Recipient { get; init; }
        public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(5);
        public string AssertionId { get; init; } = "_a" + Guid.NewGuid().ToString("N");
        public string ResponseId { get; init; } = "_r" + Guid.NewGuid().ToString("N");
        public Dictionary<string, string> Attributes { get; init; } = new() { ["email"] = "dana@clinic.example" };
    }

    /// <summary>The response XML, unsigned.</summary>
    public static string Unsigned(Claims c)
    {
        static string E(string value) => SecurityElement.Escape(value);
        static string T(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var attributes = string.Concat(c.Attributes.Select(a =>
            $"<saml:Attribute Name=\"{E(a.Key)}\"><saml:AttributeValue>{E(a.Value)}</saml:AttributeValue></saml:Attribute>"));
        return $"""
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{c.ResponseId}" Version="2.0" IssueInstant="{T(c.Now)}" Destination="{E(c.Destination ?? c.Acs)}" InResponseTo="{E(c.InResponseTo)}"><saml:Issuer>{E(c.Issuer)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="{c.AssertionId}" Version="2.0" IssueInstant="{T(c.Now)}"><saml:Issuer>{E(c.Issuer)}</saml:Issuer><saml:Subject><saml:NameID Format="{E(c.NameIdFormat)}">{E(c.NameId)}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{T(c.Now + c.Lifetime)}" Recipient="{E(c.Recipient ?? c.Acs)}" InResponseTo="{E(c.InResponseTo)}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{T(c.Now.AddSeconds(-5))}" NotOnOrAfter="{T(c.Now + c.Lifetime)}"><saml:AudienceRestriction><saml:Audience>{E(c.Audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{T(c.Now)}" SessionIndex="_s1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>{attributes}</saml:AttributeStatement></saml:Assertion></samlp:Response>
            """.Trim();
    }

    /// <summary>The response with its assertion signed (and the response too when asked), as text.</summary>
    public string Signed(Claims c, bool assertion = true, bool response = false, bool sha1 = false, string canonicalization = SignedXml.XmlDsigExcC14NTransformUrl) =>
        Sign(Load(Unsigned(c)), assertion, response, sha1, canonicalization).OuterXml;

    /// <summary>Signs the document's assertion and/or response in place with this provider's key.</summary>
    public XmlDocument Sign(XmlDocument document, bool assertion = true, bool response = false, bool sha1 = false, string canonicalization = SignedXml.XmlDsigExcC14NTransformUrl)
    {
        if (assertion)
        {
            SignElement(document, Assertion(document), sha1, canonicalization);
        }

        if (response)
        {
            SignElement(document, document.DocumentElement!, sha1, canonicalization);
        }

        return document;
    }

    /// <summary>Signs <paramref name="element"/> with an enveloped signature placed after its Issuer, as SAML's schema orders it.</summary>
    public void SignElement(XmlDocument document, XmlElement element, bool sha1 = false, string canonicalization = SignedXml.XmlDsigExcC14NTransformUrl)
    {
        var signed = new SignedXml(document) { SigningKey = Certificate.GetRSAPrivateKey() };
        signed.SignedInfo!.CanonicalizationMethod = canonicalization;
        signed.SignedInfo.SignatureMethod = sha1 ? SignedXml.XmlDsigRSASHA1Url : SignedXml.XmlDsigRSASHA256Url;
        var reference = new Reference("#" + element.GetAttribute("ID")) { DigestMethod = sha1 ? SignedXml.XmlDsigSHA1Url : SignedXml.XmlDsigSHA256Url };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signed.AddReference(reference);
        var keyInfo = new KeyInfo();
        keyInfo.AddClause(new KeyInfoX509Data(Certificate));
        signed.KeyInfo = keyInfo;
        signed.ComputeSignature();
        var issuer = element.GetElementsByTagName("Issuer", "urn:oasis:names:tc:SAML:2.0:assertion").OfType<XmlElement>().First(e => e.ParentNode == element);
        element.InsertAfter(document.ImportNode(signed.GetXml(), true), issuer);
    }

    /// <summary>This provider's metadata, as a file an operator would import.</summary>
    public string Metadata() =>
        $"<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"{EntityId}\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
        + $"<md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>{Convert.ToBase64String(Certificate.RawData)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        + "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp.hostile.test/sso\"/></md:IDPSSODescriptor></md:EntityDescriptor>";

    /// <summary>
    /// Replaces the document's assertion by an EncryptedAssertion to <paramref name="recipient"/>, as a provider
    /// encrypts it with System.Security.Cryptography.Xml: AES-256-CBC data, the key by RSA-OAEP (or RSA PKCS#1 v1.5
    /// when <paramref name="oaep"/> is false), the EncryptedKey in the EncryptedData's KeyInfo.
    /// </summary>
    public static XmlDocument Encrypt(XmlDocument document, X509Certificate2 recipient, bool oaep = true)
    {
        var assertion = Assertion(document);
        using var aes = Aes.Create();
        aes.KeySize = 256;
        var encryptedKey = new EncryptedKey
        {
            CipherData = new CipherData(EncryptedXml.EncryptKey(aes.Key, recipient.GetRSAPublicKey()!, oaep)),
            EncryptionMethod = new EncryptionMethod(oaep ? EncryptedXml.XmlEncRSAOAEPUrl : EncryptedXml.XmlEncRSA15Url),
        };
        var encryptedData = new EncryptedData
        {
            Type = EncryptedXml.XmlEncElementUrl,
            EncryptionMethod = new EncryptionMethod(EncryptedXml.XmlEncAES256Url),
            CipherData = new CipherData(new EncryptedXml().EncryptData(assertion, aes, content: false)),
        };
        encryptedData.KeyInfo.AddClause(new KeyInfoEncryptedKey(encryptedKey));
        var wrapper = document.CreateElement("saml", "EncryptedAssertion", "urn:oasis:names:tc:SAML:2.0:assertion");
        wrapper.AppendChild(document.ImportNode(encryptedData.GetXml(), true));
        assertion.ParentNode!.ReplaceChild(wrapper, assertion);
        return document;
    }

    /// <summary>A fresh RSA key pair and self-signed certificate, as Signpost's encryption key.</summary>
    public static X509Certificate2 NewEncryptionCertificate(string subject = "CN=Signpost SAML encryption (test)")
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public static XmlDocument Load(string xml)
    {
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        document.LoadXml(xml);
        return document;
    }

    public static XmlElement Assertion(XmlDocument document) =>
        document.GetElementsByTagName("Assertion", "urn:oasis:names:tc:SAML:2.0:assertion").OfType<XmlElement>().First();

    public static string Base64(string xml) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(xml));

    public void Dispose() => Certificate.Dispose();
}

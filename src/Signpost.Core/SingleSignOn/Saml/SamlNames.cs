namespace Signpost.Core.SingleSignOn.Saml;

/// <summary>The XML namespaces and algorithm identifiers of SAML 2.0 and XML Signature that Signpost reads (docs/saml.md).</summary>
public static class SamlNames
{
    public const string Protocol = "urn:oasis:names:tc:SAML:2.0:protocol";
    public const string Assertion = "urn:oasis:names:tc:SAML:2.0:assertion";
    public const string Metadata = "urn:oasis:names:tc:SAML:2.0:metadata";
    public const string XmlDsig = "http://www.w3.org/2000/09/xmldsig#";

    public const string StatusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success";
    public const string BearerMethod = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
    public const string HttpRedirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
    public const string HttpPostBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
    public const string NameIdUnspecified = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";
    public const string NameIdEmail = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
    public const string NameIdPersistent = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";

    /// <summary>Exclusive XML canonicalization without comments (XML-EXC-C14N): the only canonicalization accepted.</summary>
    public const string ExclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
    public const string EnvelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

    public const string RsaSha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    public const string Sha1 = "http://www.w3.org/2000/09/xmldsig#sha1";
    public const string RsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    public const string RsaSha384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    public const string RsaSha512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
    public const string Sha256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    public const string Sha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    public const string Sha512 = "http://www.w3.org/2001/04/xmlenc#sha512";

    /// <summary>XML Encryption (docs/saml.md "encrypted assertions").</summary>
    public const string XmlEnc = "http://www.w3.org/2001/04/xmlenc#";
    public const string XmlEnc11 = "http://www.w3.org/2009/xmlenc11#";
    public const string Aes128Cbc = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
    public const string Aes192Cbc = "http://www.w3.org/2001/04/xmlenc#aes192-cbc";
    public const string Aes256Cbc = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
    public const string Aes128Gcm = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
    public const string Aes192Gcm = "http://www.w3.org/2009/xmlenc11#aes192-gcm";
    public const string Aes256Gcm = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
    /// <summary>RSA PKCS#1 v1.5 key transport: refused (Bleichenbacher's padding oracle).</summary>
    public const string Rsa15 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";
    public const string RsaOaepMgf1p = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
    public const string RsaOaep = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
    public const string Mgf1Sha1 = "http://www.w3.org/2009/xmlenc11#mgf1sha1";
    public const string Mgf1Sha256 = "http://www.w3.org/2009/xmlenc11#mgf1sha256";
    public const string Mgf1Sha384 = "http://www.w3.org/2009/xmlenc11#mgf1sha384";
    public const string Mgf1Sha512 = "http://www.w3.org/2009/xmlenc11#mgf1sha512";
}

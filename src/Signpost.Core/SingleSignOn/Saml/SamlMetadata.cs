using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Signpost.Core.SingleSignOn.Saml;

/// <summary>What Signpost takes from an identity provider's metadata (SAML Metadata §2.4.3): entity ID, SSO URL, signing certificates.</summary>
public sealed record SamlIdpMetadata(string EntityId, string SsoUrl, IReadOnlyList<X509Certificate2> SigningCertificates)
{
    /// <summary>The certificates as <see cref="SamlSettings.SigningCertificates"/> stores them.</summary>
    public string CertificatesText => string.Join('\n', SigningCertificates.Select(c => Convert.ToBase64String(c.RawData)));
}

/// <summary>
/// Reading an identity provider's metadata and writing Signpost's own service-provider metadata. The metadata is
/// read with the same DTD-free reader as responses; its signature, when it has one, is not relied on: the operator
/// who imports it vouches for its source (docs/saml.md "metadata").
/// </summary>
public static class SamlMetadata
{
    /// <summary>The provider's metadata, or the reason it cannot be used, in words for the operator.</summary>
    public static (SamlIdpMetadata? Metadata, string? Problem) Read(string xml)
    {
        XmlDocument document;
        try
        {
            document = SamlXml.Load(xml);
        }
        catch (XmlException ex)
        {
            return (null, ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "The metadata contains a DTD, which Signpost never reads."
                : "The metadata is not well-formed XML.");
        }

        var root = document.DocumentElement;
        var entity = root is { LocalName: "EntityDescriptor", NamespaceURI: SamlNames.Metadata } ? root
            : root is { LocalName: "EntitiesDescriptor", NamespaceURI: SamlNames.Metadata } && SamlXml.Children(root, SamlNames.Metadata, "EntityDescriptor") is [var only] ? only
            : null;
        if (entity is null)
        {
            return (null, "The document is not the SAML 2.0 metadata of one entity (an EntityDescriptor).");
        }

        if (SamlXml.Attribute(entity, "entityID") is not { Length: > 0 and <= SsoConnection.MaxUrlLength } entityId)
        {
            return (null, "The metadata names no entity ID.");
        }

        if (SamlXml.Single(entity, SamlNames.Metadata, "IDPSSODescriptor") is not { } idp)
        {
            return (null, "The metadata describes no identity provider (no single IDPSSODescriptor).");
        }

        var sso = SamlXml.Children(idp, SamlNames.Metadata, "SingleSignOnService")
            .FirstOrDefault(s => SamlXml.Attribute(s, "Binding") == SamlNames.HttpRedirectBinding);
        if (sso is null || SamlXml.Attribute(sso, "Location") is not { Length: > 0 and <= SsoConnection.MaxUrlLength } ssoUrl
            || !Uri.TryCreate(ssoUrl, UriKind.Absolute, out var ssoUri) || (ssoUri.Scheme != Uri.UriSchemeHttps && ssoUri.Scheme != Uri.UriSchemeHttp))
        {
            return (null, "The provider offers no SingleSignOnService with the HTTP-Redirect binding at an http(s) address.");
        }

        var certificates = new List<X509Certificate2>();
        foreach (var key in SamlXml.Children(idp, SamlNames.Metadata, "KeyDescriptor"))
        {
            if (SamlXml.Attribute(key, "use") is { } use && use != "signing")
            {
                continue;
            }

            foreach (var data in key.GetElementsByTagName("X509Certificate", SamlNames.XmlDsig).OfType<XmlElement>())
            {
                try
                {
                    var raw = Convert.FromBase64String(string.Concat((SamlXml.StrictText(data) ?? "").Where(c => !char.IsWhiteSpace(c))));
                    var certificate = X509CertificateLoader.LoadCertificate(raw);
                    if (certificate.GetRSAPublicKey() is null)
                    {
                        return (null, "A signing certificate does not hold an RSA key; Signpost verifies RSA signatures only.");
                    }

                    if (certificates.All(c => c.Thumbprint != certificate.Thumbprint))
                    {
                        certificates.Add(certificate);
                    }
                }
                catch (Exception ex) when (ex is FormatException or CryptographicException)
                {
                    return (null, "A signing certificate in the metadata is not a base64 X.509 certificate.");
                }
            }
        }

        return certificates.Count == 0
            ? (null, "The metadata holds no signing certificate: Signpost requires signed responses or assertions.")
            : (new SamlIdpMetadata(entityId, ssoUrl, certificates), null);
    }

    /// <summary>
    /// Signpost's service-provider metadata for one practice (SAML Metadata §2.4.4): HTTP-POST to the practice's
    /// assertion consumer service, signed assertions wanted, requests unsigned; with Signpost's encryption certificate
    /// as a <c>KeyDescriptor use="encryption"</c> when given, for a provider to encrypt assertions to (docs/saml.md).
    /// </summary>
    public static string ServiceProvider(string entityId, string acsUrl, X509Certificate2? encryption = null)
    {
        static string E(string value) => SecurityElement.Escape(value);
        var key = encryption is null ? "" : $"""
                <md:KeyDescriptor use="encryption">
                  <ds:KeyInfo xmlns:ds="{SamlNames.XmlDsig}"><ds:X509Data><ds:X509Certificate>{Convert.ToBase64String(encryption.RawData)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
                  <md:EncryptionMethod Algorithm="{SamlNames.Aes256Gcm}"/>
                  <md:EncryptionMethod Algorithm="{SamlNames.Aes128Gcm}"/>
                  <md:EncryptionMethod Algorithm="{SamlNames.Aes256Cbc}"/>
                  <md:EncryptionMethod Algorithm="{SamlNames.Aes128Cbc}"/>
                  <md:EncryptionMethod Algorithm="{SamlNames.RsaOaepMgf1p}"/>
                  <md:EncryptionMethod Algorithm="{SamlNames.RsaOaep}"/>
                </md:KeyDescriptor>

            """;
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <md:EntityDescriptor xmlns:md="{SamlNames.Metadata}" entityID="{E(entityId)}">
              <md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="{SamlNames.Protocol}">
            {key}
                <md:NameIDFormat>{SamlNames.NameIdEmail}</md:NameIDFormat>
                <md:NameIDFormat>{SamlNames.NameIdPersistent}</md:NameIDFormat>
                <md:NameIDFormat>{SamlNames.NameIdUnspecified}</md:NameIDFormat>
                <md:AssertionConsumerService Binding="{SamlNames.HttpPostBinding}" Location="{E(acsUrl)}" index="0" isDefault="true"/>
              </md:SPSSODescriptor>
            </md:EntityDescriptor>
            """;
    }
}

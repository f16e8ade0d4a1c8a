using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace Signpost.Core.SingleSignOn.Saml;

/// <summary>
/// Verifies one enveloped XML signature (XML Signature 1.1 §3.2) over the exact element that holds it, with
/// the defences the published attacks on SAML demand (docs/saml.md "defences"):
/// one Reference whose URI is <c>#</c> + the ID of the signature's parent, exclusive canonicalization and the
/// enveloped-signature transform only, no SHA-1 unless allowed, and the key taken from the connection's
/// certificates only — KeyInfo in the document is never trusted.
/// </summary>
public static class SamlSignatureCheck
{
    private static readonly HashSet<string> StrongSignatureMethods = [SamlNames.RsaSha256, SamlNames.RsaSha384, SamlNames.RsaSha512];
    private static readonly HashSet<string> StrongDigests = [SamlNames.Sha256, SamlNames.Sha384, SamlNames.Sha512];

    /// <summary>Null when <paramref name="signature"/> is a valid signature over its parent element by one of <paramref name="certificates"/>; otherwise why not.</summary>
    public static string? Verify(XmlElement signature, IReadOnlyList<X509Certificate2> certificates, bool allowSha1)
    {
        if (signature.ParentNode is not XmlElement signed || SamlXml.Attribute(signed, "ID") is not { Length: > 0 } id)
        {
            return "the signature's parent element has no ID to refer to";
        }

        var signedInfo = SamlXml.Single(signature, SamlNames.XmlDsig, "SignedInfo");
        if (signedInfo is null)
        {
            return "the signature has no single SignedInfo";
        }

        var c14n = SamlXml.Single(signedInfo, SamlNames.XmlDsig, "CanonicalizationMethod");
        if (c14n is null || SamlXml.Attribute(c14n, "Algorithm") != SamlNames.ExclusiveC14N)
        {
            return $"canonicalization '{Cut(c14n is null ? null : SamlXml.Attribute(c14n, "Algorithm"))}' is refused: exclusive canonicalization without comments only";
        }

        var method = SamlXml.Single(signedInfo, SamlNames.XmlDsig, "SignatureMethod") is { } m ? SamlXml.Attribute(m, "Algorithm") : null;
        if (method is null || !(StrongSignatureMethods.Contains(method) || (allowSha1 && method == SamlNames.RsaSha1)))
        {
            return method == SamlNames.RsaSha1
                ? "signature method rsa-sha1 is refused (SHA-1; the connection does not allow it)"
                : $"signature method '{Cut(method)}' is refused: RSA with SHA-256, SHA-384 or SHA-512 only";
        }

        if (SamlXml.Children(signedInfo, SamlNames.XmlDsig, "Reference") is not [var reference])
        {
            return "the signature must hold exactly one Reference";
        }

        if (SamlXml.Attribute(reference, "URI") != "#" + id)
        {
            return $"the signature's Reference '{Cut(SamlXml.Attribute(reference, "URI"))}' is not its parent element '#{Cut(id)}' (signature wrapping)";
        }

        var transforms = SamlXml.Single(reference, SamlNames.XmlDsig, "Transforms") is { } t
            ? SamlXml.Children(t, SamlNames.XmlDsig, "Transform").Select(x => SamlXml.Attribute(x, "Algorithm")).ToList()
            : [];
        if (transforms.Count is 0 or > 2 || !transforms.Contains(SamlNames.EnvelopedSignature)
            || transforms.Any(a => a is not (SamlNames.EnvelopedSignature or SamlNames.ExclusiveC14N)))
        {
            return $"transforms '{Cut(string.Join(" ", transforms))}' are refused: the enveloped-signature transform and exclusive canonicalization only";
        }

        var digest = SamlXml.Single(reference, SamlNames.XmlDsig, "DigestMethod") is { } d ? SamlXml.Attribute(d, "Algorithm") : null;
        if (digest is null || !(StrongDigests.Contains(digest) || (allowSha1 && digest == SamlNames.Sha1)))
        {
            return digest == SamlNames.Sha1
                ? "digest sha1 is refused (SHA-1; the connection does not allow it)"
                : $"digest '{Cut(digest)}' is refused: SHA-256, SHA-384 or SHA-512 only";
        }

        var document = signature.OwnerDocument;
        foreach (var certificate in certificates)
        {
            var xml = new SignedXml(document);
            xml.LoadXml(signature);
            // The Reference is resolved by SignedXml's own ID lookup; the document was refused earlier if any ID
            // occurs twice, and that lookup answers null on a duplicate, so the digest covers the parent checked above.
            if (xml.CheckSignature(certificate, verifySignatureOnly: true))
            {
                return null;
            }
        }

        return certificates.Count == 0
            ? "the connection has no signing certificate of the provider"
            : "the signature does not verify with any of the connection's signing certificates (unknown key, or the signed content was changed)";
    }

    private static string Cut(string? value) => value is null ? "" : value.Length <= 120 ? value : value[..120];
}

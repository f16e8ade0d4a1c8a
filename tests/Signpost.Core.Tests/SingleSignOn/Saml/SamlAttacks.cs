using System.Xml;

namespace Signpost.Core.Tests.SingleSignOn.Saml;

/// <summary>
/// The XML-signature-wrapping variants XSW1–XSW8 (Somorovsky et al., "On Breaking SAML: Be Whoever You Want
/// to Be", USENIX Security 2012; numbered as the SAML Raider tool builds them). Each starts from a response the
/// provider validly signed and plants an "evil" assertion naming <see cref="Victim"/> where a naive reader looks,
/// while the signed original hides where a naive verifier still finds it by ID.
/// </summary>
public static class SamlAttacks
{
    public const string Victim = "admin@clinic.example";
    private const string Dsig = "http://www.w3.org/2000/09/xmldsig#";
    private const string Saml = "urn:oasis:names:tc:SAML:2.0:assertion";
    private const string Samlp = "urn:oasis:names:tc:SAML:2.0:protocol";

    public static XmlDocument Wrap(SamlTestIdp idp, SamlTestIdp.Claims claims, string variant)
    {
        var responseSigned = variant is "XSW1" or "XSW2";
        var document = idp.Sign(SamlTestIdp.Load(SamlTestIdp.Unsigned(claims)), assertion: !responseSigned, response: responseSigned);
        var response = document.DocumentElement!;
        var original = SamlTestIdp.Assertion(document);
        switch (variant)
        {
            case "XSW1":
            {
                // The signed response cloned into its own signature (a ds:Object, as the schema allows); the outer response made evil.
                var signature = Child(response, Dsig, "Signature");
                var clone = (XmlElement)response.CloneNode(true);
                clone.RemoveChild(Child(clone, Dsig, "Signature"));
                signature.AppendChild(Object(document, clone));
                response.SetAttribute("ID", "_evil_response");
                MakeEvil(original);
                break;
            }

            case "XSW2":
            {
                // As XSW1, the clone a sibling before the (now detached) signature.
                var signature = Child(response, Dsig, "Signature");
                var clone = (XmlElement)response.CloneNode(true);
                clone.RemoveChild(Child(clone, Dsig, "Signature"));
                response.InsertBefore(clone, signature);
                response.SetAttribute("ID", "_evil_response");
                MakeEvil(original);
                break;
            }

            case "XSW3":
            {
                // An unsigned evil assertion before the signed one.
                var evil = Unsigned(original);
                response.InsertBefore(evil, original);
                break;
            }

            case "XSW4":
            {
                // The signed assertion wrapped inside the evil one.
                var evil = Unsigned(original);
                response.ReplaceChild(evil, original);
                evil.AppendChild(original);
                break;
            }

            case "XSW5":
            {
                // The evil assertion keeps the signature; an unsigned copy of the original, which the signature's ID finds, at the end.
                var copy = (XmlElement)original.CloneNode(true);
                copy.RemoveChild(Child(copy, Dsig, "Signature"));
                MakeEvil(original);
                original.SetAttribute("ID", "_evil_assertion");
                response.AppendChild(copy);
                break;
            }

            case "XSW6":
            {
                // As XSW5, the original copy hidden inside the evil assertion's signature (in a ds:Object).
                var copy = (XmlElement)original.CloneNode(true);
                copy.RemoveChild(Child(copy, Dsig, "Signature"));
                MakeEvil(original);
                original.SetAttribute("ID", "_evil_assertion");
                Child(original, Dsig, "Signature").AppendChild(Object(document, copy));
                break;
            }

            case "XSW7":
            {
                // The signed original in an Extensions element; an unsigned evil assertion in its place.
                var extensions = document.CreateElement("samlp", "Extensions", Samlp);
                var evil = Unsigned(original);
                response.ReplaceChild(evil, original);
                extensions.AppendChild(original);
                response.InsertBefore(extensions, evil);
                break;
            }

            case "XSW8":
            {
                // The evil assertion keeps the signature; the original copy inside a ds:Object of that signature.
                var copy = (XmlElement)original.CloneNode(true);
                copy.RemoveChild(Child(copy, Dsig, "Signature"));
                MakeEvil(original);
                original.SetAttribute("ID", "_evil_assertion");
                Child(original, Dsig, "Signature").AppendChild(Object(document, copy));
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(variant));
        }

        return document;
    }

    /// <summary>A copy of <paramref name="signed"/> without its signature, a new ID, naming the victim.</summary>
    private static XmlElement Unsigned(XmlElement signed)
    {
        var evil = (XmlElement)signed.CloneNode(true);
        if (evil.GetElementsByTagName("Signature", Dsig).OfType<XmlElement>().FirstOrDefault(s => s.ParentNode == evil) is { } signature)
        {
            evil.RemoveChild(signature);
        }

        evil.SetAttribute("ID", "_evil_assertion");
        MakeEvil(evil);
        return evil;
    }

    private static void MakeEvil(XmlElement assertion)
    {
        foreach (var nameId in assertion.GetElementsByTagName("NameID", Saml).OfType<XmlElement>())
        {
            nameId.InnerText = Victim;
        }

        foreach (var value in assertion.GetElementsByTagName("AttributeValue", Saml).OfType<XmlElement>())
        {
            value.InnerText = Victim;
        }
    }

    private static XmlElement Object(XmlDocument document, XmlElement content)
    {
        var obj = document.CreateElement("ds", "Object", Dsig);
        obj.AppendChild(content);
        return obj;
    }

    private static XmlElement Child(XmlElement parent, string ns, string name) =>
        parent.ChildNodes.OfType<XmlElement>().First(e => e.LocalName == name && e.NamespaceURI == ns);
}

using System.Xml;

namespace Signpost.Core.SingleSignOn.Saml;

/// <summary>
/// Reading SAML XML without the parser's dangerous features: no DTD (so no entity expansion, internal or
/// external — billion laughs, XXE), no resolver (nothing fetched), a size cap. Whitespace is preserved,
/// as signatures are computed over it (docs/saml.md "defences").
/// </summary>
public static class SamlXml
{
    /// <summary>The largest document read, in characters; real responses are a few kilobytes.</summary>
    public const int MaxCharacters = 256 * 1024;

    /// <summary>Parses <paramref name="xml"/>; throws <see cref="XmlException"/> for a DTD or malformed XML.</summary>
    public static XmlDocument Load(string xml) => Load(xml, inScope: null);

    /// <summary>
    /// Parses <paramref name="xml"/> with the namespace prefixes declared on <paramref name="inScope"/> and its
    /// ancestors known, as a decrypted assertion may use a prefix its Response declared (docs/saml.md).
    /// </summary>
    public static XmlDocument Load(string xml, XmlElement? inScope)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxCharacters,
            MaxCharactersFromEntities = 0,
            IgnoreComments = false,
            IgnoreProcessingInstructions = false,
            IgnoreWhitespace = false,
        };
        var document = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using var text = new StringReader(xml);
        var namespaces = new XmlNamespaceManager(new NameTable());
        // The nearest declaration of a prefix wins, as in the document (the manager answers "" for an undeclared default).
        var declared = new HashSet<string>(StringComparer.Ordinal);
        for (var node = inScope; node is not null; node = node.ParentNode as XmlElement)
        {
            foreach (XmlAttribute attribute in node.Attributes)
            {
                var prefix = attribute.Prefix == "xmlns" ? attribute.LocalName : attribute.Name == "xmlns" ? "" : null;
                if (prefix is not (null or "xml" or "xmlns") && declared.Add(prefix))
                {
                    namespaces.AddNamespace(prefix, attribute.Value);
                }
            }
        }

        using var reader = XmlReader.Create(text, settings, new XmlParserContext(null, namespaces, null, XmlSpace.None));
        document.Load(reader);
        return document;
    }

    /// <summary>
    /// The text of an element whose content must be text only. Null when it holds anything else — a comment,
    /// an element, a processing instruction: a reader that takes only the first text node of
    /// <c>admin@practice.org&lt;!----&gt;.evil.example</c> would read another user than the provider signed.
    /// </summary>
    public static string? StrictText(XmlElement element)
    {
        var text = "";
        foreach (XmlNode child in element.ChildNodes)
        {
            if (child.NodeType is not (XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace))
            {
                return null;
            }

            text += child.Value;
        }

        return text.Trim();
    }

    /// <summary>The child elements of <paramref name="parent"/> with the given name.</summary>
    public static List<XmlElement> Children(XmlNode parent, string ns, string localName)
    {
        var found = new List<XmlElement>();
        foreach (XmlNode child in parent.ChildNodes)
        {
            if (child is XmlElement e && e.LocalName == localName && e.NamespaceURI == ns)
            {
                found.Add(e);
            }
        }

        return found;
    }

    /// <summary>The single child element with the given name; null when there is none or more than one.</summary>
    public static XmlElement? Single(XmlNode parent, string ns, string localName) =>
        Children(parent, ns, localName) is [var only] ? only : null;

    /// <summary>Every element of the document with the given name, wherever it is.</summary>
    public static List<XmlElement> Everywhere(XmlDocument document, string ns, string localName) =>
        document.GetElementsByTagName(localName, ns).OfType<XmlElement>().ToList();

    /// <summary>An attribute without namespace, or null when absent.</summary>
    public static string? Attribute(XmlElement element, string name) =>
        element.GetAttributeNode(name) is { } attribute ? attribute.Value : null;
}

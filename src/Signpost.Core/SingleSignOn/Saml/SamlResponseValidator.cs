using System.Globalization;
using System.Text;
using System.Xml;
using Signpost.Core.Reasons;

namespace Signpost.Core.SingleSignOn.Saml;

/// <summary>
/// Checks a SAML 2.0 Response received at the assertion consumer service (SAML Core §3.2.2, Profiles §4.1.4.3)
/// and reads the one assertion it carries, only after a signature by the connection's provider was verified over
/// that very element. Pure: the replay cache is the caller's next step (<see cref="ISamlReplayCache"/>).
/// Every refusal is a reason code with evidence in words support can read (docs/saml.md).
/// </summary>
/// <remarks>
/// The order is the defence. Signature wrapping (XSW) works when the code that verifies and the code that reads
/// look at different elements; here the document is refused unless it holds exactly one Assertion, as a child of
/// the Response, no ID twice, and signatures only where the profile puts them; then a valid signature must sit
/// on the Response or on that Assertion, and only that Assertion is read.
/// </remarks>
public static class SamlResponseValidator
{
    /// <summary>The largest <c>SAMLResponse</c> form value read (base64).</summary>
    public const int MaxEncodedLength = 350_000;

    /// <summary>Decodes the base64 <c>SAMLResponse</c> of the HTTP-POST binding (SAML Bindings §3.5.4) and validates it.</summary>
    public static SamlValidation ValidateEncoded(string? samlResponse, SamlExpectations expected)
    {
        if (string.IsNullOrWhiteSpace(samlResponse))
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "SAMLResponse: the post carried no response");
        }

        if (samlResponse.Length > MaxEncodedLength)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "SAMLResponse: the response is larger than Signpost reads");
        }

        string xml;
        try
        {
            xml = Encoding.UTF8.GetString(Convert.FromBase64String(samlResponse.Trim()));
        }
        catch (FormatException)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "SAMLResponse: the value is not base64");
        }

        return Validate(xml, expected);
    }

    /// <summary>Validates a response's XML text.</summary>
    public static SamlValidation Validate(string xml, SamlExpectations expected)
    {
        XmlDocument document;
        try
        {
            document = SamlXml.Load(xml);
        }
        catch (XmlException ex)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "xml: the response contains a DTD, which Signpost never reads (entity expansion, external entities)"
                : "xml: the response is not well-formed XML");
        }

        var response = document.DocumentElement;
        if (response is null || response.LocalName != "Response" || response.NamespaceURI != SamlNames.Protocol)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "xml: the document is not a SAML 2.0 protocol Response");
        }

        if (Status(response) is { } failed)
        {
            return failed;
        }

        var encrypted = SamlXml.Everywhere(document, SamlNames.Assertion, "EncryptedAssertion");
        if (encrypted.Count == 0)
        {
            if (expected.RequireEncryption)
            {
                return Refused(ReasonCodes.SsoProviderMisconfigured,
                    "encryption: this connection requires an encrypted assertion and the provider sent it in the clear (turn assertion encryption on at the provider, with Signpost's encryption certificate from its metadata)");
            }

            return Structure(document, response) is { } wrong ? wrong : Signed(document, response, expected, responseVerified: false);
        }

        return Decrypted(document, response, encrypted, expected);
    }

    /// <summary>
    /// An EncryptedAssertion: the document's shape is checked and a response signature verified over the ciphertext
    /// as sent, then the one assertion is decrypted in place and every check of a plain response runs on the result
    /// (docs/saml.md "encrypted assertions").
    /// </summary>
    private static SamlValidation Decrypted(XmlDocument document, XmlElement response, List<XmlElement> encrypted, SamlExpectations expected)
    {
        var plain = SamlXml.Everywhere(document, SamlNames.Assertion, "Assertion");
        if (encrypted.Count != 1 || plain.Count != 0)
        {
            return Refused(ReasonCodes.SsoSignatureInvalid,
                $"assertion: the response holds {encrypted.Count} encrypted and {plain.Count} plain assertions; exactly one is accepted (signature-wrapping defence)");
        }

        if (encrypted[0].ParentNode != response)
        {
            return Refused(ReasonCodes.SsoSignatureInvalid, "assertion: the encrypted assertion is not a direct child of the Response (signature-wrapping defence)");
        }

        if (UniqueIds(document) is { } duplicate)
        {
            return duplicate;
        }

        foreach (var signature in SamlXml.Everywhere(document, SamlNames.XmlDsig, "Signature"))
        {
            if (signature.ParentNode != response)
            {
                return Refused(ReasonCodes.SsoSignatureInvalid, "signature: a signature sits outside the Response and its Assertion (signature-wrapping defence)");
            }
        }

        // The response signature covers the ciphertext: verified before decryption, as decrypting changes the content.
        var responseSignature = SamlXml.Children(response, SamlNames.XmlDsig, "Signature");
        if (responseSignature.Count > 1)
        {
            return Refused(ReasonCodes.SsoSignatureInvalid, "signature: more than one signature on one element");
        }

        if (responseSignature.Count == 1 && SamlSignatureCheck.Verify(responseSignature[0], expected.SigningCertificates, expected.AllowSha1) is { } why)
        {
            return Refused(ReasonCodes.SsoSignatureInvalid, $"signature (response): {why}");
        }

        var (xml, refusal) = SamlDecryption.Decrypt(encrypted[0], expected.DecryptionCertificates);
        if (refusal is not null)
        {
            return refusal;
        }

        XmlElement assertion;
        try
        {
            var decrypted = SamlXml.Load(xml!, response);
            if (decrypted.DocumentElement is not { LocalName: "Assertion", NamespaceURI: SamlNames.Assertion } root)
            {
                return Refused(ReasonCodes.SsoTokenInvalid, SamlDecryption.Undecryptable);
            }

            assertion = (XmlElement)document.ImportNode(root, deep: true);
        }
        catch (XmlException)
        {
            // One evidence for padding and parsing alike: no answer tells them apart (docs/saml.md).
            return Refused(ReasonCodes.SsoTokenInvalid, SamlDecryption.Undecryptable);
        }

        response.ReplaceChild(assertion, encrypted[0]);
        return Structure(document, response) is { } wrong ? wrong : Signed(document, response, expected, responseVerified: responseSignature.Count == 1);
    }

    private static SamlValidation? UniqueIds(XmlDocument document)
    {
        // SignedXml finds a Reference's target by an ID, Id or id attribute anywhere in the document: each value once.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in document.GetElementsByTagName("*").OfType<XmlElement>())
        {
            foreach (var name in (string[])["ID", "Id", "id"])
            {
                if (SamlXml.Attribute(element, name) is { } id && !seen.Add(id))
                {
                    return Refused(ReasonCodes.SsoSignatureInvalid, $"id: the ID '{Cut(id)}' occurs more than once (signature-wrapping defence)");
                }
            }
        }

        return null;
    }

    /// <summary>A Response whose status is not Success: the provider said no (SAML Core §3.2.2.2).</summary>
    private static SamlValidation? Status(XmlElement response)
    {
        var code = SamlXml.Single(response, SamlNames.Protocol, "Status") is { } status
            && SamlXml.Single(status, SamlNames.Protocol, "StatusCode") is { } statusCode
            ? statusCode
            : null;
        var value = code is null ? null : SamlXml.Attribute(code, "Value");
        if (value == SamlNames.StatusSuccess)
        {
            return null;
        }

        var second = code is null ? null : SamlXml.Single(code, SamlNames.Protocol, "StatusCode") is { } inner ? SamlXml.Attribute(inner, "Value") : null;
        var said = $"status: the provider answered '{Cut(value ?? "(none)")}'" + (second is null ? "" : $" / '{Cut(second)}'");
        return second is not null && (second.EndsWith(":AuthnFailed", StringComparison.Ordinal) || second.EndsWith(":NoPassive", StringComparison.Ordinal)
            || second.EndsWith(":RequestDenied", StringComparison.Ordinal))
            ? Refused(ReasonCodes.SsoCancelled, said)
            : Refused(ReasonCodes.SsoProviderMisconfigured, said);
    }

    /// <summary>The shape checks that make signature wrapping impossible before any signature is looked at.</summary>
    private static SamlValidation? Structure(XmlDocument document, XmlElement response)
    {
        if (SamlXml.Everywhere(document, SamlNames.Assertion, "EncryptedAssertion").Count > 0)
        {
            // Only reached after decryption: an encrypted assertion inside the decrypted one.
            return Refused(ReasonCodes.SsoSignatureInvalid, "assertion: an encrypted assertion sits inside the assertion; exactly one is accepted (signature-wrapping defence)");
        }

        var assertions = SamlXml.Everywhere(document, SamlNames.Assertion, "Assertion");
        if (assertions.Count != 1)
        {
            return Refused(ReasonCodes.SsoSignatureInvalid, $"assertion: the response holds {assertions.Count} assertions; exactly one is accepted (signature-wrapping defence)");
        }

        if (assertions[0].ParentNode != response)
        {
            return Refused(ReasonCodes.SsoSignatureInvalid, "assertion: the assertion is not a direct child of the Response (signature-wrapping defence)");
        }

        if (UniqueIds(document) is { } duplicate)
        {
            return duplicate;
        }

        foreach (var signature in SamlXml.Everywhere(document, SamlNames.XmlDsig, "Signature"))
        {
            if (signature.ParentNode != response && signature.ParentNode != assertions[0])
            {
                return Refused(ReasonCodes.SsoSignatureInvalid, "signature: a signature sits outside the Response and its Assertion (signature-wrapping defence)");
            }
        }

        return null;
    }

    private static SamlValidation Signed(XmlDocument document, XmlElement response, SamlExpectations expected, bool responseVerified)
    {
        var assertion = SamlXml.Everywhere(document, SamlNames.Assertion, "Assertion")[0];
        var responseSignature = SamlXml.Children(response, SamlNames.XmlDsig, "Signature");
        var assertionSignature = SamlXml.Children(assertion, SamlNames.XmlDsig, "Signature");
        if (responseSignature.Count > 1 || assertionSignature.Count > 1)
        {
            return Refused(ReasonCodes.SsoSignatureInvalid, "signature: more than one signature on one element");
        }

        if (responseSignature.Count == 0 && assertionSignature.Count == 0)
        {
            return Refused(ReasonCodes.SsoSignatureInvalid, "signature: neither the response nor the assertion is signed; Signpost requires one of them signed");
        }

        // Every signature present must verify: a broken one is never skipped in favour of the other.
        // A response signature around an encrypted assertion was verified over the ciphertext, before decryption.
        foreach (var (signature, what) in responseSignature.Where(_ => !responseVerified).Select(s => (s, "response")).Concat(assertionSignature.Select(s => (s, "assertion"))))
        {
            if (SamlSignatureCheck.Verify(signature, expected.SigningCertificates, expected.AllowSha1) is { } why)
            {
                return Refused(ReasonCodes.SsoSignatureInvalid, $"signature ({what}): {why}");
            }
        }

        return SamlAssertionReader.Read(response, assertion, responseSigned: responseSignature.Count == 1, expected);
    }

    internal static SamlValidation Refused(string reasonCode, string evidence) => SamlValidation.Refused(reasonCode, evidence);

    internal static string Cut(string value, int max = 120) => value.Length <= max ? value : value[..max];

    internal static DateTimeOffset? Instant(XmlElement element, string name) =>
        SamlXml.Attribute(element, name) is { } value
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant
            : null;
}

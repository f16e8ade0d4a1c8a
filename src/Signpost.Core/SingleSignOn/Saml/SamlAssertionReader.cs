using System.Xml;
using Signpost.Core.Reasons;
using static Signpost.Core.SingleSignOn.Saml.SamlResponseValidator;

namespace Signpost.Core.SingleSignOn.Saml;

/// <summary>
/// Reads the one signed assertion of a response and checks what binds it to this sign-in: issuer, audience,
/// bearer confirmation (recipient, InResponseTo, NotOnOrAfter), conditions, destination (SAML Profiles §4.1.4.2–3).
/// </summary>
internal static class SamlAssertionReader
{
    public static SamlValidation Read(XmlElement response, XmlElement assertion, bool responseSigned, SamlExpectations expected)
    {
        var destination = SamlXml.Attribute(response, "Destination");
        if (destination is null ? responseSigned : destination != expected.AssertionConsumerServiceUrl)
        {
            // SAML Bindings §3.5.5.2: a signed response over HTTP-POST must name its Destination.
            return Refused(ReasonCodes.SsoTokenInvalid, $"destination: the response is addressed to '{Cut(destination ?? "(none)")}', not this practice's assertion consumer service");
        }

        if (SamlXml.Attribute(response, "InResponseTo") is { } responseTo && responseTo != expected.RequestId)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "InResponseTo: the response answers another sign-in request than the one this browser started");
        }

        if (SamlXml.Single(response, SamlNames.Assertion, "Issuer") is { } responseIssuer && SamlXml.StrictText(responseIssuer) != expected.IdentityProviderEntityId)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "issuer: the response's Issuer is not the connection's identity provider");
        }

        if (SamlXml.Attribute(assertion, "ID") is not { Length: > 0 and <= 256 } assertionId)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "assertion: the assertion has no usable ID");
        }

        if (SamlXml.Single(assertion, SamlNames.Assertion, "Issuer") is not { } issuerElement || SamlXml.StrictText(issuerElement) is not { } issuer
            || issuer != expected.IdentityProviderEntityId)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "issuer: the assertion's Issuer is not the connection's identity provider");
        }

        if (SamlXml.Single(assertion, SamlNames.Assertion, "Subject") is not { } subject)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "subject: the assertion has no single Subject");
        }

        if (SamlXml.Children(subject, SamlNames.Assertion, "EncryptedID").Count > 0)
        {
            return Refused(ReasonCodes.SsoProviderMisconfigured, "NameID: the provider encrypts the NameID; Signpost reads a plain NameID only");
        }

        if (SamlXml.Single(subject, SamlNames.Assertion, "NameID") is not { } nameIdElement)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "NameID: the subject has no single NameID");
        }

        if (SamlXml.StrictText(nameIdElement) is not { Length: > 0 and <= 255 } nameId)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "NameID: the NameID holds something other than text (a comment or element: comment-injection defence) or is empty or too long");
        }

        if (Confirmation(subject, expected) is { } unconfirmed)
        {
            return unconfirmed;
        }

        if (Conditions(assertion, expected, out var conditionsEnd) is { } unmet)
        {
            return unmet;
        }

        var authn = SamlXml.Children(assertion, SamlNames.Assertion, "AuthnStatement");
        if (authn.Count == 0)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "assertion: the assertion carries no AuthnStatement (SAML Profiles §4.1.4.2)");
        }

        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var statement in SamlXml.Children(assertion, SamlNames.Assertion, "AttributeStatement"))
        {
            foreach (var attribute in SamlXml.Children(statement, SamlNames.Assertion, "Attribute"))
            {
                if (SamlXml.Attribute(attribute, "Name") is not { Length: > 0 and <= 256 } name)
                {
                    continue;
                }

                var values = new List<string>();
                foreach (var value in SamlXml.Children(attribute, SamlNames.Assertion, "AttributeValue"))
                {
                    if (SamlXml.StrictText(value) is not { } text)
                    {
                        return Refused(ReasonCodes.SsoTokenInvalid, $"attribute: the value of '{Cut(name)}' holds something other than text (comment-injection defence)");
                    }

                    values.Add(text);
                }

                attributes[name] = values;
            }
        }

        var confirmationEnd = BearerEnd(subject, expected)!.Value;
        return SamlValidation.Accepted(new SamlAssertionFacts
        {
            AssertionId = assertionId,
            Issuer = issuer,
            NameId = nameId,
            NameIdFormat = SamlXml.Attribute(nameIdElement, "Format"),
            SessionIndex = SamlXml.Attribute(authn[0], "SessionIndex"),
            ExpiresAt = conditionsEnd is { } c && c > confirmationEnd ? c : confirmationEnd,
            Attributes = attributes,
        });
    }

    /// <summary>A bearer SubjectConfirmation whose data names this ACS, this request, and a NotOnOrAfter still ahead (Profiles §4.1.4.2).</summary>
    private static SamlValidation? Confirmation(XmlElement subject, SamlExpectations expected)
    {
        var bearers = SamlXml.Children(subject, SamlNames.Assertion, "SubjectConfirmation")
            .Where(c => SamlXml.Attribute(c, "Method") == SamlNames.BearerMethod)
            .Select(c => SamlXml.Single(c, SamlNames.Assertion, "SubjectConfirmationData"))
            .ToList();
        if (bearers.Count == 0 || bearers.Any(d => d is null))
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "subject: the assertion has no bearer SubjectConfirmation with its data");
        }

        string? why = null;
        foreach (var data in bearers)
        {
            var recipient = SamlXml.Attribute(data!, "Recipient");
            var inResponseTo = SamlXml.Attribute(data!, "InResponseTo");
            var notOnOrAfter = Instant(data!, "NotOnOrAfter");
            var notBefore = Instant(data!, "NotBefore");
            why = recipient != expected.AssertionConsumerServiceUrl
                ? $"recipient: the assertion is for '{Cut(recipient ?? "(none)")}', not this practice's assertion consumer service"
                : inResponseTo != expected.RequestId
                    ? "InResponseTo: the assertion answers another sign-in request than the one this browser started (or none: unsolicited responses are refused)"
                    : notOnOrAfter is null
                        ? "subject: the bearer confirmation has no NotOnOrAfter"
                        : notOnOrAfter.Value <= expected.Now - expected.Skew
                            ? $"expired: the bearer confirmation ended at {notOnOrAfter.Value:u} (check the provider's and this computer's clocks)"
                            : notBefore is { } start && start > expected.Now + expected.Skew
                                ? $"not yet valid: the bearer confirmation starts at {start:u}"
                                : null;
            if (why is null)
            {
                return null;
            }
        }

        return Refused(ReasonCodes.SsoTokenInvalid, why!);
    }

    private static DateTimeOffset? BearerEnd(XmlElement subject, SamlExpectations expected) =>
        SamlXml.Children(subject, SamlNames.Assertion, "SubjectConfirmation")
            .Where(c => SamlXml.Attribute(c, "Method") == SamlNames.BearerMethod)
            .Select(c => SamlXml.Single(c, SamlNames.Assertion, "SubjectConfirmationData"))
            .Where(d => d is not null && SamlXml.Attribute(d, "Recipient") == expected.AssertionConsumerServiceUrl)
            .Select(d => Instant(d!, "NotOnOrAfter"))
            .Max();

    /// <summary>Conditions: the validity window and every AudienceRestriction naming Signpost (SAML Core §2.5.1).</summary>
    private static SamlValidation? Conditions(XmlElement assertion, SamlExpectations expected, out DateTimeOffset? end)
    {
        end = null;
        if (SamlXml.Single(assertion, SamlNames.Assertion, "Conditions") is not { } conditions)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "audience: the assertion has no Conditions, so no audience restriction");
        }

        if (Instant(conditions, "NotBefore") is { } notBefore && notBefore > expected.Now + expected.Skew)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, $"not yet valid: the assertion starts at {notBefore:u} (clock skew between the provider and Signpost)");
        }

        end = Instant(conditions, "NotOnOrAfter");
        if (end is { } notOnOrAfter && notOnOrAfter <= expected.Now - expected.Skew)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, $"expired: the assertion ended at {notOnOrAfter:u} (check the provider's and this computer's clocks)");
        }

        var restrictions = SamlXml.Children(conditions, SamlNames.Assertion, "AudienceRestriction");
        if (restrictions.Count == 0)
        {
            return Refused(ReasonCodes.SsoTokenInvalid, "audience: the assertion has no AudienceRestriction");
        }

        foreach (var restriction in restrictions)
        {
            var audiences = SamlXml.Children(restriction, SamlNames.Assertion, "Audience").Select(SamlXml.StrictText);
            if (!audiences.Contains(expected.ServiceProviderEntityId))
            {
                return Refused(ReasonCodes.SsoTokenInvalid, "audience: the assertion is addressed to another service provider, not this practice's Signpost entity ID");
            }
        }

        return null;
    }
}

using System.Security.Cryptography.X509Certificates;

namespace Signpost.Core.SingleSignOn.Saml;

/// <summary>What a SAML response must match to be accepted: the connection's provider and the request Signpost sent.</summary>
public sealed record SamlExpectations
{
    /// <summary>Signpost's entity ID for the practice: the only audience accepted.</summary>
    public required string ServiceProviderEntityId { get; init; }
    /// <summary>The practice's assertion consumer service URL: the only Recipient and Destination accepted.</summary>
    public required string AssertionConsumerServiceUrl { get; init; }
    /// <summary>The identity provider's entity ID: the only Issuer accepted.</summary>
    public required string IdentityProviderEntityId { get; init; }
    /// <summary>The provider's signing certificates from the connection; a signature by any other key is refused, whatever KeyInfo says.</summary>
    public required IReadOnlyList<X509Certificate2> SigningCertificates { get; init; }
    /// <summary>The ID of the AuthnRequest this browser's sign-in sent; unsolicited (IdP-initiated) responses are refused.</summary>
    public required string RequestId { get; init; }
    public required DateTimeOffset Now { get; init; }
    /// <summary>Clock skew allowed on NotBefore and NotOnOrAfter.</summary>
    public TimeSpan Skew { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>SHA-1 signatures and digests are refused unless the connection allows them (docs/saml.md).</summary>
    public bool AllowSha1 { get; init; }
    /// <summary>Signpost's encryption certificates with their private keys: an EncryptedAssertion is decrypted with these only (docs/saml.md "encrypted assertions").</summary>
    public IReadOnlyList<X509Certificate2> DecryptionCertificates { get; init; } = [];
    /// <summary>The connection requires an encrypted assertion: a plain one is refused.</summary>
    public bool RequireEncryption { get; init; }
}

/// <summary>What Signpost reads from an accepted assertion: only values covered by a verified signature.</summary>
public sealed record SamlAssertionFacts
{
    public required string AssertionId { get; init; }
    public required string Issuer { get; init; }
    public required string NameId { get; init; }
    public string? NameIdFormat { get; init; }
    public string? SessionIndex { get; init; }
    /// <summary>The latest instant the assertion can be used: how long its ID stays in the replay cache.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>Attribute name → values (the first value is the one mapped).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes { get; init; }

    /// <summary>The first value of <paramref name="name"/>; <c>NameID</c> names the subject's NameID.</summary>
    public string? Value(string? name) => name switch
    {
        null or "" => null,
        "NameID" => NameId,
        _ => Attributes.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null,
    };
}

/// <summary>The outcome of <see cref="SamlResponseValidator"/>: facts, or a reason code with evidence support can read.</summary>
public sealed record SamlValidation(SamlAssertionFacts? Facts, string? ReasonCode, string Evidence)
{
    public bool Succeeded => Facts is not null;

    public static SamlValidation Accepted(SamlAssertionFacts facts) => new(facts, null, "accepted");

    public static SamlValidation Refused(string reasonCode, string evidence) => new(null, reasonCode, evidence);
}

using Signpost.Core.Accounts;
using Signpost.Core.Organizations;

namespace Signpost.Core.SingleSignOn;

/// <summary>
/// One organization's own OpenID Connect identity provider (docs/design.md §2, issue 7). The client secret is held
/// only in its Data Protection form: a copy of the database alone does not give the secret away.
/// </summary>
public sealed class SsoConnection
{
    public const int MaxUrlLength = 500;

    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid OrganizationId { get; set; }
    public Organization? Organization { get; set; }
    /// <summary>The provider's discovery document, <c>…/.well-known/openid-configuration</c> (OpenID Connect Discovery 1.0 §4).</summary>
    public required string DiscoveryUrl { get; set; }
    public required string ClientId { get; set; }
    /// <summary>The client secret protected with Data Protection (purpose <c>Signpost.Sso.ClientSecret</c>); never the plain secret.</summary>
    public string? ProtectedClientSecret { get; set; }
    /// <summary>Space-separated scopes; <c>openid</c> is always sent.</summary>
    public string Scopes { get; set; } = "openid profile email";
    public string UsernameClaim { get; set; } = "preferred_username";
    public string EmailClaim { get; set; } = "email";
    public string NpiClaim { get; set; } = "npi";
    /// <summary>
    /// Read the claims the ID token lacks from the provider's userinfo endpoint when it publishes one (OpenID
    /// Connect Core §5.3), its <c>sub</c> checked against the ID token's. Off only for a provider whose access
    /// token does not work at its own userinfo endpoint; then every claim must be in the ID token (docs/sso.md).
    /// </summary>
    public bool UseUserInfo { get; set; } = true;
    /// <summary>Link an existing member of the practice whose email the provider asserts as verified.</summary>
    public bool LinkByEmail { get; set; } = true;
    /// <summary>
    /// Link an existing member of the practice whose individual NPI the provider asserts. Off by default: an
    /// NPI is public, so turning this on trusts the practice's provider with every member's account (docs/sso.md).
    /// </summary>
    public bool LinkByNpi { get; set; }
    /// <summary>Create an account just in time, with <see cref="DefaultRoles"/>, when nothing links.</summary>
    public bool CreateAccounts { get; set; }
    public PracticeRoles DefaultRoles { get; set; } = PracticeRoles.Staff;
    /// <summary>Passwords are refused for the practice: its people sign in through the provider only.</summary>
    public bool Required { get; set; }
    /// <summary>
    /// The practice asks Signpost for its second factor after the provider, too: a sign-in through the provider is
    /// held to the practice's second-factor rules as a password sign-in is (challenge, enrolment within grace,
    /// step-up) before its session is issued. Off (the default), the provider's own MFA is trusted (docs/mfa.md).
    /// </summary>
    public bool AskSecondFactor { get; set; }
    /// <summary>Email domains whose people the generic sign-in page sends to this provider (home-realm discovery).</summary>
    public List<string> EmailDomains { get; set; } = [];
    /// <summary>
    /// Off: the connection is kept (settings, links, history) but not used — no sign-in through it, no
    /// home-realm routing, "SSO required" not enforced, no health checks. Lets an operator pause a broken
    /// provider without losing its configuration.
    /// </summary>
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Changes with every edit: each node rebuilds its handler options when it sees a newer stamp.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
    public SsoHealthStatus? HealthStatus { get; set; }
    public DateTimeOffset? HealthCheckedAt { get; set; }
    /// <summary>OpenID Connect, or SAML 2.0 with <see cref="Saml"/> set (docs/saml.md): the OIDC fields are then unused.</summary>
    public SsoProtocol Protocol { get; set; } = SsoProtocol.OpenIdConnect;
    public Saml.SamlSettings? Saml { get; set; }

    /// <summary>The issuer the discovery URL promises: the URL without its well-known suffix (Discovery §4.3).</summary>
    public string ExpectedIssuer => DiscoveryUrl.EndsWith(WellKnownSuffix, StringComparison.Ordinal)
        ? DiscoveryUrl[..^WellKnownSuffix.Length]
        : DiscoveryUrl;

    public const string WellKnownSuffix = "/.well-known/openid-configuration";

    /// <summary>The authentication scheme of this connection's handler.</summary>
    public static string SchemeFor(string slug) => "sso-" + slug;
}

/// <summary>A provider's user, by its <c>sub</c>, linked to a Signpost account (OpenID Connect Core §5.7: iss+sub is the stable key).</summary>
public sealed class SsoLink
{
    public Guid ConnectionId { get; set; }
    public required string Subject { get; set; }
    public Guid AccountId { get; set; }
    /// <summary>How the link was made: email, npi, created.</summary>
    public required string LinkedBy { get; set; }
    public DateTimeOffset LinkedAt { get; set; }
}

public enum SsoHealthStatus
{
    Healthy,
    Warning,
    Failing,
}

/// <summary>One run of the health checks against a connection, kept as history.</summary>
public sealed class SsoHealthRecord
{
    public long Id { get; set; }
    public Guid ConnectionId { get; set; }
    public DateTimeOffset CheckedAt { get; set; }
    public SsoHealthStatus Status { get; set; }
    /// <summary>The findings as JSON (name, ok, plain-words explanation).</summary>
    public required string Findings { get; set; }
    /// <summary>The earliest expiry seen among signing-key certificates and the TLS certificate.</summary>
    public DateTimeOffset? EarliestExpiry { get; set; }
}

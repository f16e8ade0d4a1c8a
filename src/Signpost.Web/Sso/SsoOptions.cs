using System.ComponentModel.DataAnnotations;

namespace Signpost.Web.Sso;

/// <summary>Settings under <c>Signpost:Sso</c> for every organization's identity provider connection.</summary>
public sealed class SsoOptions
{
    public const string Section = "Signpost:Sso";

    /// <summary>
    /// Seconds one call to a provider (discovery, keys, token) may take. A slow provider then fails its own
    /// practice's sign-ins with <c>sso_provider_unreachable</c> instead of holding requests for minutes.
    /// </summary>
    [Range(1, 60)]
    public int BackchannelTimeoutSeconds { get; set; } = 10;

    /// <summary>Largest provider response read, in bytes: a huge discovery or key document is refused, not buffered.</summary>
    [Range(4096, 10 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 512 * 1024;

    /// <summary>
    /// Accept <c>http://</c> providers. Off in production (OpenID Connect Discovery §4 requires TLS); the test
    /// set-up turns it on for providers on loopback.
    /// </summary>
    public bool AllowHttpProviders { get; set; }

    /// <summary>
    /// Call providers on loopback, private (RFC 1918 and alike) and link-local addresses. Off in production: a
    /// discovery URL typed by a practice administrator, or an endpoint named in a provider's metadata, would
    /// otherwise reach Signpost's own network (see <see cref="ProviderAddresses"/>). The test set-up turns it on.
    /// </summary>
    public bool AllowPrivateProviderAddresses { get; set; }

    /// <summary>
    /// A PEM file of certificate authorities trusted for providers' TLS in addition to the system's roots: a
    /// hospital's identity provider often presents a certificate of the hospital's own CA. Unset, only the system's
    /// roots are trusted. The host name must still match, and revocation is not checked against these roots.
    /// </summary>
    public string? TrustedCertificateAuthoritiesFile { get; set; }

    /// <summary>The certificates of <see cref="TrustedCertificateAuthoritiesFile"/>; empty when it is unset.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection LoadTrustedAuthorities()
    {
        var authorities = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(TrustedCertificateAuthoritiesFile))
        {
            authorities.ImportFromPemFile(TrustedCertificateAuthoritiesFile);
        }

        return authorities;
    }

    /// <summary>Minutes between health checks of every connection.</summary>
    [Range(1, 24 * 60)]
    public int HealthCheckIntervalMinutes { get; set; } = 60;

    /// <summary>Runs the periodic health checks; the "Test connection" button works either way.</summary>
    public bool HealthChecksEnabled { get; set; } = true;

    /// <summary>Days before a signing-key or TLS certificate expires that operators and practice admins are alerted.</summary>
    [Range(1, 365)]
    public int ExpiryAlertDays { get; set; } = 14;

    /// <summary>Platform operators' address for connection alerts; unset, only practice admins are told.</summary>
    [EmailAddress(ErrorMessage = "Signpost:Sso:OperatorsEmail must be an email address.")]
    public string? OperatorsEmail { get; set; }
}

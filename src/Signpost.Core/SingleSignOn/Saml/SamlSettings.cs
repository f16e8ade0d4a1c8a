using System.Security.Cryptography.X509Certificates;

namespace Signpost.Core.SingleSignOn.Saml;

/// <summary>
/// The identity provider side of a SAML 2.0 connection (docs/saml.md), as read from the provider's metadata.
/// Signpost's own side (entity ID, assertion consumer service) follows from the practice's slug and the public
/// base URL. The attribute names to read live on <see cref="SsoConnection"/> beside the OIDC claim names
/// (<c>UsernameClaim</c>, <c>EmailClaim</c>, <c>NpiClaim</c>); <c>NameID</c> names the subject's NameID.
/// </summary>
public sealed class SamlSettings
{
    public const int MaxCertificatesLength = 20_000;

    /// <summary>The provider's entity ID: the only Issuer accepted.</summary>
    public required string IdpEntityId { get; set; }
    /// <summary>The provider's SingleSignOnService for the HTTP-Redirect binding.</summary>
    public required string SsoUrl { get; set; }
    /// <summary>The provider's signing certificates, base64 DER, one per line.</summary>
    public required string SigningCertificates { get; set; }
    /// <summary>Where the metadata was read from, when it came by URL (kept for re-import); null for a file.</summary>
    public string? MetadataUrl { get; set; }
    /// <summary>SHA-1 signatures accepted (off by default: only for a provider that cannot sign otherwise).</summary>
    public bool AllowSha1 { get; set; }
    /// <summary>Only encrypted assertions accepted: a plain one is refused (docs/saml.md "encrypted assertions").</summary>
    public bool RequireEncryption { get; set; }

    /// <summary>The certificates, parsed; a line that does not parse is skipped (import refused it already).</summary>
    public IReadOnlyList<X509Certificate2> Certificates()
    {
        var list = new List<X509Certificate2>();
        foreach (var line in SigningCertificates.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                list.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(line)));
            }
            catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
            {
                // Skipped: import validates every certificate, so this is a hand-edited row.
            }
        }

        return list;
    }
}

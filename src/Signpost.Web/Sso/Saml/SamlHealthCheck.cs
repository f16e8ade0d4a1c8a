using System.Globalization;
using Signpost.Core.SingleSignOn;
using Signpost.Core.SingleSignOn.Saml;

namespace Signpost.Web.Sso.Saml;

/// <summary>
/// The health monitor's checks for a SAML connection (docs/saml.md "health"): how long each configured signing
/// certificate has left (<c>key_expiry</c>, the same finding and alert as an OpenID Connect provider's keys), and,
/// when the metadata came by URL, whether the provider still publishes it with the same certificates.
/// </summary>
public static class SamlHealthCheck
{
    public static async Task<SsoHealthReport> CheckAsync(SsoConnection connection, SsoOptions settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var findings = new List<SsoHealthFinding>();
        var expiries = new List<DateTimeOffset>();
        var saml = connection.Saml;
        var certificates = saml?.Certificates() ?? [];
        if (certificates.Count == 0)
        {
            findings.Add(new("signing_keys", false, "The connection holds no signing certificate of the provider, so no response can be verified. Import the provider's metadata again."));
        }
        else
        {
            findings.Add(new("signing_keys", true, $"{certificates.Count} signing certificate(s) configured."));
        }

        foreach (var certificate in certificates)
        {
            var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            expiries.Add(notAfter);
            findings.Add(Expiry($"Signing certificate {certificate.Subject} ({certificate.Thumbprint[..8]})", notAfter, now, settings.ExpiryAlertDays));
        }

        if (saml?.MetadataUrl is { } url)
        {
            findings.Add(await MetadataAsync(url, certificates.Select(c => c.Thumbprint).ToHashSet(), settings, cancellationToken));
        }

        var status = findings.Any(f => !f.Ok) ? SsoHealthStatus.Failing : findings.Any(f => f.Warning) ? SsoHealthStatus.Warning : SsoHealthStatus.Healthy;
        return new SsoHealthReport(status, findings, expiries.Count == 0 ? null : expiries.Min(), now);
    }

    private static async Task<SsoHealthFinding> MetadataAsync(string url, HashSet<string> configured, SsoOptions settings, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || ProviderAddresses.Refusal(address, settings) is not null)
        {
            return new("metadata", false, $"The metadata address {url} may not be fetched under the provider address rules. Import the metadata again.");
        }

        var timeout = TimeSpan.FromSeconds(settings.BackchannelTimeoutSeconds);
        using var http = new HttpClient(ProviderAddresses.CreateHandler(settings, timeout)) { Timeout = timeout, MaxResponseContentBufferSize = settings.MaxResponseBytes };
        try
        {
            using var response = await http.GetAsync(address, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new("metadata", false, $"The metadata at {url} answered HTTP {(int)response.StatusCode}. The provider may be misconfigured or down.");
            }

            var (metadata, problem) = SamlMetadata.Read(await response.Content.ReadAsStringAsync(cancellationToken));
            if (metadata is null)
            {
                return new("metadata", false, $"The metadata at {url} cannot be used: {problem}");
            }

            var published = metadata.SigningCertificates.Select(c => c.Thumbprint).ToHashSet();
            return published.SetEquals(configured)
                ? new("metadata", true, $"The metadata at {url} loads and lists the configured signing certificate(s).")
                : new("metadata", true, $"The provider now publishes other signing certificates than the connection holds: a rotation is under way. Import the metadata again (signpost sso add --saml --metadata {url}) before the old certificate is withdrawn.", Warning: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new("metadata", false, $"The metadata at {url} could not be fetched ({ex.Message}). The provider is down or unreachable.", Unreachable: true);
        }
    }

    private static SsoHealthFinding Expiry(string what, DateTimeOffset notAfter, DateTimeOffset now, int alertDays)
    {
        var date = notAfter.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (notAfter <= now)
        {
            return new("key_expiry", false, $"{what} expired on {date}. Sign-ins fail until the provider rotates it and the metadata is imported again.");
        }

        var days = (int)Math.Floor((notAfter - now).TotalDays);
        return days < alertDays
            ? new("key_expiry", true, $"{what} expires in {days} day(s), on {date}. Ask the practice's IT department to rotate it, then import the metadata again.", Warning: true)
            : new("key_expiry", true, $"{what} is valid until {date}.");
    }
}

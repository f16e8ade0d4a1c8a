using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Signpost.Core.SingleSignOn;

namespace Signpost.Web.Sso;

/// <summary>The outcome of one health run against a connection.</summary>
public sealed record SsoHealthReport(SsoHealthStatus Status, IReadOnlyList<SsoHealthFinding> Findings, DateTimeOffset? EarliestExpiry, DateTimeOffset CheckedAt);

/// <summary>
/// Checks a connection the way a sign-in would need it: discovery reachable within the timeout and valid,
/// issuer as promised, JWKS loads with signing keys, and how long the signing-key certificates (<c>x5c</c>,
/// RFC 7517 §4.7) and the TLS certificate have left. Each finding says in plain words what to correct.
/// </summary>
public sealed class SsoHealthChecker(ISsoHealthStore store, IOptions<SsoOptions> options, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs the checks, stores the report in the connection's history and returns it.</summary>
    public async Task<SsoHealthReport> CheckAndRecordAsync(SsoConnection connection, CancellationToken cancellationToken)
    {
        var report = await CheckAsync(connection, cancellationToken);
        await store.RecordAsync(new SsoHealthRecord
        {
            ConnectionId = connection.Id,
            CheckedAt = report.CheckedAt,
            Status = report.Status,
            Findings = JsonSerializer.Serialize(report.Findings, Json),
            EarliestExpiry = report.EarliestExpiry,
        }, cancellationToken);
        return report;
    }

    public async Task<SsoHealthReport> CheckAsync(SsoConnection connection, CancellationToken cancellationToken)
    {
        if (connection.Protocol == SsoProtocol.Saml)
        {
            return await Saml.SamlHealthCheck.CheckAsync(connection, options.Value, time.GetUtcNow(), cancellationToken);
        }

        var settings = options.Value;
        var now = time.GetUtcNow();
        var findings = new List<SsoHealthFinding>();
        var expiries = new List<DateTimeOffset>();
        DateTimeOffset? tlsExpiry = null;
        var authorities = settings.LoadTrustedAuthorities();
        // The same rules as a sign-in's calls: https only, public addresses only (ProviderAddresses).
        using var handler = ProviderAddresses.CreateHandler(settings, TimeSpan.FromSeconds(settings.BackchannelTimeoutSeconds), sockets =>
            sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, presented, errors) =>
            {
                if (certificate is not null)
                {
                    var full = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    tlsExpiry = new DateTimeOffset(full.NotAfter.ToUniversalTime(), TimeSpan.Zero);
                }

                return ProviderAddresses.IsTrusted(certificate, presented, errors, authorities);
            });
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(settings.BackchannelTimeoutSeconds), MaxResponseContentBufferSize = settings.MaxResponseBytes };

        var discovery = await FetchJsonAsync(http, settings, connection.DiscoveryUrl, "discovery", "discovery document", findings, cancellationToken);
        if (discovery is { } document)
        {
            findings.Add(new("discovery", true, $"The discovery document loaded from {connection.DiscoveryUrl}."));
            var issuer = document.TryGetProperty("issuer", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            findings.Add(issuer == connection.ExpectedIssuer
                ? new("issuer", true, $"The issuer is {issuer}, as the discovery URL promises.")
                : new("issuer", false, $"The discovery document names issuer '{issuer ?? "(none)"}' but the discovery URL promises '{connection.ExpectedIssuer}'. Sign-ins would be rejected; correct the discovery URL or the provider's issuer setting."));

            var jwksUri = document.TryGetProperty("jwks_uri", out var j) && j.ValueKind == JsonValueKind.String ? j.GetString() : null;
            if (jwksUri is null)
            {
                findings.Add(new("jwks", false, "The discovery document has no jwks_uri, so Signpost cannot verify any token. The provider's metadata is incomplete."));
            }
            else if (await FetchJsonAsync(http, settings, jwksUri, "jwks", "key set (JWKS)", findings, cancellationToken) is { } jwks)
            {
                findings.Add(new("jwks", true, $"The key set loaded from {jwksUri}."));
                CheckKeys(jwks, now, settings.ExpiryAlertDays, findings, expiries);
            }
        }

        if (tlsExpiry is { } tls)
        {
            expiries.Add(tls);
            findings.Add(Expiry("tls_expiry", "The provider's TLS certificate", tls, now, settings.ExpiryAlertDays));
        }

        var status = findings.Any(f => !f.Ok) ? SsoHealthStatus.Failing : findings.Any(f => f.Warning) ? SsoHealthStatus.Warning : SsoHealthStatus.Healthy;
        return new SsoHealthReport(status, findings, expiries.Count == 0 ? null : expiries.Min(), now);
    }

    private static void CheckKeys(JsonElement jwks, DateTimeOffset now, int alertDays, List<SsoHealthFinding> findings, List<DateTimeOffset> expiries)
    {
        if (!jwks.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            findings.Add(new("signing_keys", false, "The key set has no \"keys\" array. The provider publishes its keys in the wrong shape."));
            return;
        }

        var signing = keys.EnumerateArray().Where(k => k.ValueKind == JsonValueKind.Object
            && (!k.TryGetProperty("use", out var use) || use.GetString() == "sig")
            && k.TryGetProperty("kty", out var kty) && kty.GetString() is "RSA" or "EC").ToList();
        if (signing.Count == 0)
        {
            findings.Add(new("signing_keys", false, "The key set holds no RSA or EC signing key, so no ID token can be verified. The provider must publish its signing key."));
            return;
        }

        findings.Add(new("signing_keys", true, $"{signing.Count} signing key(s) published."));
        foreach (var key in signing)
        {
            if (!key.TryGetProperty("x5c", out var chain) || chain.ValueKind != JsonValueKind.Array || chain.GetArrayLength() == 0)
            {
                continue;
            }

            var kid = key.TryGetProperty("kid", out var k) ? k.GetString() : "(no kid)";
            try
            {
                using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(chain[0].GetString() ?? ""));
                var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
                expiries.Add(notAfter);
                findings.Add(Expiry("key_expiry", $"Signing key {kid}'s certificate", notAfter, now, alertDays));
            }
            catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
            {
                findings.Add(new("key_expiry", false, $"Signing key {kid} carries a certificate (x5c) that cannot be read."));
            }
        }
    }

    private static SsoHealthFinding Expiry(string check, string what, DateTimeOffset notAfter, DateTimeOffset now, int alertDays)
    {
        var date = notAfter.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (notAfter <= now)
        {
            return new(check, false, $"{what} expired on {date}. Sign-ins fail until the provider rotates it.");
        }

        var days = (int)Math.Floor((notAfter - now).TotalDays);
        return days < alertDays
            ? new(check, true, $"{what} expires in {days} day(s), on {date}. Ask the practice's IT department to rotate it before then.", Warning: true)
            : new(check, true, $"{what} is valid until {date}.");
    }

    private static async Task<JsonElement?> FetchJsonAsync(HttpClient http, SsoOptions settings, string url, string check, string what, List<SsoHealthFinding> findings, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address))
        {
            findings.Add(new(check, false, $"The {what} address '{url}' is not an absolute URL. The provider's metadata is broken."));
            return null;
        }

        if (ProviderAddresses.Refusal(address, settings) is { } refusal)
        {
            findings.Add(new(check, false, $"The {what} at {url} was not fetched: {refusal} Correct the address."));
            return null;
        }

        try
        {
            using var response = await http.GetAsync(address, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                findings.Add(new(check, false, $"The {what} at {url} answered HTTP {(int)response.StatusCode}. Check the address; the provider may be misconfigured or down."));
                return null;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                findings.Add(new(check, false, $"The {what} at {url} is JSON but not an object. The provider's metadata is broken."));
                return null;
            }

            return document.RootElement.Clone();
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            findings.Add(new(check, false, $"The {what} at {url} did not answer within {http.Timeout.TotalSeconds:0} seconds. The provider is down or too slow; sign-ins through it fail.", Unreachable: true));
        }
        catch (HttpRequestException ex) when (ex.InnerException is ProviderAddressRefusedException refused)
        {
            findings.Add(new(check, false, $"The {what} at {url} was not fetched: {refused.Message} Correct the address."));
        }
        catch (HttpRequestException ex) when (ex.Message.Contains("maximum buffer size", StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new(check, false, $"The {what} at {url} is larger than {http.MaxResponseContentBufferSize} bytes, more than Signpost reads. The address probably points at the wrong document."));
        }
        catch (HttpRequestException ex)
        {
            findings.Add(new(check, false, $"The {what} at {url} could not be reached ({ex.Message}). Check the address, DNS, firewall and the provider's TLS certificate.", Unreachable: true));
        }
        catch (JsonException)
        {
            findings.Add(new(check, false, $"The {what} at {url} is not valid JSON. The address may point at a web page instead of the metadata."));
        }

        return null;
    }
}

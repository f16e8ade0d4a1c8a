using Microsoft.Extensions.Options;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Audit;
using Signpost.Core.SingleSignOn;
using Signpost.Core.SingleSignOn.Saml;
using Signpost.Web.Infrastructure;
using Signpost.Web.Queries;

namespace Signpost.Web.Sso.Saml;

/// <summary>
/// What an operator sets on a SAML connection: the provider's metadata, by URL or as the file's text, and the
/// same linking settings as an OpenID Connect connection (attribute names in place of claim names).
/// </summary>
public sealed record SamlConnectionRequest(
    string? MetadataUrl,
    string? MetadataXml,
    string? UsernameAttribute = null,
    string? EmailAttribute = null,
    string? NpiAttribute = null,
    bool? LinkByEmail = null,
    bool? LinkByNpi = null,
    bool? CreateAccounts = null,
    PracticeRoles? DefaultRoles = null,
    bool? Required = null,
    IReadOnlyList<string>? EmailDomains = null,
    bool? AllowSha1 = null,
    bool? Enabled = null,
    bool? RequireEncryption = null);

/// <summary>
/// Creating or changing a practice's SAML connection from the provider's metadata (docs/saml.md "metadata"),
/// validated and audited in the same transaction, through the same store as OpenID Connect connections.
/// </summary>
public sealed class SamlConnectionManager(SsoQueries queries, ISsoConnectionStore store, SsoConnectionManager oidc, AuditTrail audit, AuditActors actors,
    TimeProvider time, IOptions<SsoOptions> settings)
{
    /// <summary>Reads the metadata (fetching it by URL under the providers' address rules), then saves the connection.</summary>
    public async Task<AdminResult<SsoConnection>> SaveAsync(string slug, SamlConnectionRequest request, CancellationToken cancellationToken)
    {
        var organization = await queries.FindOrganizationAsync(slug.Trim().ToLowerInvariant(), cancellationToken);
        if (organization is null)
        {
            return AdminResult.NotFound($"No organization has slug '{slug}'.");
        }

        // The linking settings are checked by the same rules as an OpenID Connect connection's claims.
        var shared = new SsoConnectionRequest("https://unused.example" + SsoConnection.WellKnownSuffix, "unused", null, null,
            request.UsernameAttribute, request.EmailAttribute, request.NpiAttribute, request.LinkByEmail, request.LinkByNpi, request.CreateAccounts,
            request.DefaultRoles, request.Required, request.EmailDomains);
        if (oidc.Check(shared) is { Count: > 0 } problems)
        {
            return AdminResult.Invalid(problems.Select(p => p with { Field = p.Field.Replace("Claim", "Attribute", StringComparison.Ordinal) }).ToList());
        }

        var (xml, fetchProblem) = await MetadataTextAsync(request, cancellationToken);
        if (xml is null)
        {
            return AdminResult.Invalid(nameof(request.MetadataUrl), fetchProblem!);
        }

        var (metadata, problem) = SamlMetadata.Read(xml);
        if (metadata is null)
        {
            return AdminResult.Invalid(request.MetadataUrl is null ? nameof(request.MetadataXml) : nameof(request.MetadataUrl), problem!);
        }

        // The browser is sent there with the request: the same https rule as every provider address.
        if (!metadata.SsoUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !settings.Value.AllowHttpProviders)
        {
            return AdminResult.Invalid(request.MetadataUrl is null ? nameof(request.MetadataXml) : nameof(request.MetadataUrl),
                $"The provider's single sign-on URL {metadata.SsoUrl} is not an https:// address.");
        }

        var connection = await store.FindForChangeAsync(organization.Id, cancellationToken);
        var before = connection is null ? null : View(connection);
        var now = time.GetUtcNow();
        connection ??= new SsoConnection { OrganizationId = organization.Id, DiscoveryUrl = "", ClientId = "", CreatedAt = now, EmailClaim = "NameID", UsernameClaim = "NameID" };
        connection.Protocol = SsoProtocol.Saml;
        // The OIDC fields say where the connection came from, so lists that show them stay meaningful.
        connection.DiscoveryUrl = Cut(request.MetadataUrl?.Trim() ?? metadata.EntityId);
        connection.ClientId = "";
        connection.ProtectedClientSecret = null;
        connection.Saml = new SamlSettings
        {
            IdpEntityId = metadata.EntityId,
            SsoUrl = metadata.SsoUrl,
            SigningCertificates = metadata.CertificatesText,
            MetadataUrl = request.MetadataUrl?.Trim(),
            AllowSha1 = request.AllowSha1 ?? connection.Saml?.AllowSha1 ?? false,
            RequireEncryption = request.RequireEncryption ?? connection.Saml?.RequireEncryption ?? false,
        };
        connection.UsernameClaim = request.UsernameAttribute ?? connection.UsernameClaim;
        connection.EmailClaim = request.EmailAttribute ?? connection.EmailClaim;
        connection.NpiClaim = request.NpiAttribute ?? connection.NpiClaim;
        connection.LinkByEmail = request.LinkByEmail ?? connection.LinkByEmail;
        connection.LinkByNpi = request.LinkByNpi ?? connection.LinkByNpi;
        connection.CreateAccounts = request.CreateAccounts ?? connection.CreateAccounts;
        connection.DefaultRoles = request.DefaultRoles ?? connection.DefaultRoles;
        connection.Required = request.Required ?? connection.Required;
        connection.Enabled = request.Enabled ?? connection.Enabled;
        if (request.EmailDomains is not null)
        {
            connection.EmailDomains = request.EmailDomains.Select(d => d.Trim().ToLowerInvariant()).Where(d => d.Length > 0).Distinct().ToList();
        }

        connection.UpdatedAt = before is null || now > connection.UpdatedAt ? now : connection.UpdatedAt.AddMilliseconds(1);
        await store.SaveAsync(connection, ct => audit.RecordAsync(actors.Current, new AuditRecord(before is null ? "sso.create" : "sso.update", "sso_connection",
            connection.Id.ToString(), organization.Id, before, View(connection)), ct), cancellationToken);
        return connection;
    }

    private async Task<(string? Xml, string? Problem)> MetadataTextAsync(SamlConnectionRequest request, CancellationToken cancellationToken)
    {
        if (request.MetadataUrl is null)
        {
            return request.MetadataXml is { Length: > 0 and <= SamlXml.MaxCharacters } xml ? (xml, null) : (null, "Give the provider's metadata, by URL or as a file (at most 256 KB).");
        }

        var options = settings.Value;
        if (!Uri.TryCreate(request.MetadataUrl.Trim(), UriKind.Absolute, out var url) || request.MetadataUrl.Length > SsoConnection.MaxUrlLength
            || !(url.Scheme == Uri.UriSchemeHttps || (options.AllowHttpProviders && url.Scheme == Uri.UriSchemeHttp)))
        {
            return (null, "The metadata URL must be an https:// address, for example https://idp.practice.example/saml/metadata.");
        }

        if (ProviderAddresses.Refusal(url, options) is { } refusal)
        {
            return (null, "The metadata URL cannot be used: " + refusal);
        }

        var timeout = TimeSpan.FromSeconds(options.BackchannelTimeoutSeconds);
        using var http = new HttpClient(ProviderAddresses.CreateHandler(options, timeout)) { Timeout = timeout, MaxResponseContentBufferSize = options.MaxResponseBytes };
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            return response.IsSuccessStatusCode
                ? (await response.Content.ReadAsStringAsync(cancellationToken), null)
                : (null, $"The provider answered HTTP {(int)response.StatusCode} for its metadata.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ProviderAddressRefusedException)
        {
            return (null, $"The metadata could not be fetched: {ex.Message}");
        }
    }

    private static string Cut(string value) => value.Length <= SsoConnection.MaxUrlLength ? value : value[..SsoConnection.MaxUrlLength];

    private static object View(SsoConnection c) => new
    {
        Protocol = c.Protocol.ToString(), c.Saml?.IdpEntityId, c.Saml?.SsoUrl, c.Saml?.MetadataUrl, c.Saml?.AllowSha1, c.Saml?.RequireEncryption,
        Certificates = c.Saml?.Certificates().Select(x => x.Thumbprint).ToList(),
        c.UsernameClaim, c.EmailClaim, c.NpiClaim, c.LinkByEmail, c.LinkByNpi, c.CreateAccounts, DefaultRoles = c.DefaultRoles.ToString(), c.Required, c.EmailDomains, c.Enabled,
    };
}

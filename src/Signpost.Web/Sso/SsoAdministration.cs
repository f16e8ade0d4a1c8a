using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Audit;
using Signpost.Core.SingleSignOn;
using Signpost.Data;
using Signpost.Web.Infrastructure;
using Signpost.Web.Setup;

namespace Signpost.Web.Sso;

/// <summary>What an operator sets on a connection; null leaves a field as it is on an update.</summary>
public sealed record SsoConnectionRequest(
    string DiscoveryUrl,
    string ClientId,
    string? ClientSecret,
    string? Scopes = null,
    string? UsernameClaim = null,
    string? EmailClaim = null,
    string? NpiClaim = null,
    bool? LinkByEmail = null,
    bool? LinkByNpi = null,
    bool? CreateAccounts = null,
    PracticeRoles? DefaultRoles = null,
    bool? Required = null,
    IReadOnlyList<string>? EmailDomains = null);

/// <summary>
/// Creating and changing an organization's connection (CLI and the platform page), validated, with the
/// secret protected before it is stored and every change in the audit trail in the same transaction.
/// The audit entry never holds the secret, only whether one is set.
/// </summary>
public sealed class SsoAdministration(SignpostDbContext db, SsoSchemes schemes, AuditTrail audit, AuditActors actors, TimeProvider time, Microsoft.Extensions.Options.IOptions<SsoOptions> settings)
{
    public async Task<SsoConnection> SaveAsync(string slug, SsoConnectionRequest request, CancellationToken cancellationToken)
    {
        var organization = await db.Organizations.FirstOrDefaultAsync(o => o.Slug == slug.Trim().ToLowerInvariant(), cancellationToken)
            ?? throw new AdministrationException($"No organization has slug '{slug}'.");
        Validate(request);

        var connection = await db.SsoConnections.FirstOrDefaultAsync(c => c.OrganizationId == organization.Id, cancellationToken);
        var before = connection is null ? null : View(connection);
        var now = time.GetUtcNow();
        if (connection is null)
        {
            connection = new SsoConnection { OrganizationId = organization.Id, DiscoveryUrl = "", ClientId = "", CreatedAt = now };
            db.SsoConnections.Add(connection);
        }

        connection.DiscoveryUrl = request.DiscoveryUrl.Trim();
        connection.ClientId = request.ClientId.Trim();
        if (request.ClientSecret is not null)
        {
            connection.ProtectedClientSecret = request.ClientSecret.Length == 0 ? null : schemes.Protect(request.ClientSecret);
        }

        connection.Scopes = request.Scopes?.Trim() ?? connection.Scopes;
        connection.UsernameClaim = request.UsernameClaim ?? connection.UsernameClaim;
        connection.EmailClaim = request.EmailClaim ?? connection.EmailClaim;
        connection.NpiClaim = request.NpiClaim ?? connection.NpiClaim;
        connection.LinkByEmail = request.LinkByEmail ?? connection.LinkByEmail;
        connection.LinkByNpi = request.LinkByNpi ?? connection.LinkByNpi;
        connection.CreateAccounts = request.CreateAccounts ?? connection.CreateAccounts;
        connection.DefaultRoles = request.DefaultRoles ?? connection.DefaultRoles;
        connection.Required = request.Required ?? connection.Required;
        if (request.EmailDomains is not null)
        {
            connection.EmailDomains = request.EmailDomains.Select(d => d.Trim().ToLowerInvariant()).Where(d => d.Length > 0).Distinct().ToList();
        }

        // Strictly increasing, so every node sees a new stamp even for two edits in the same millisecond.
        connection.UpdatedAt = before is null || now > connection.UpdatedAt ? now : connection.UpdatedAt.AddMilliseconds(1);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(actors.Current, new AuditRecord(before is null ? "sso.create" : "sso.update", "sso_connection", connection.Id.ToString(),
            organization.Id, before, View(connection)), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await schemes.EnsureAsync(db, organization.Slug, cancellationToken);
        return connection;
    }

    public Task<List<SsoConnection>> ListAsync(CancellationToken cancellationToken) =>
        db.SsoConnections.AsNoTracking().Include(c => c.Organization).OrderBy(c => c.Organization!.Slug).ToListAsync(cancellationToken);

    public Task<SsoConnection?> FindAsync(string slug, CancellationToken cancellationToken) =>
        db.SsoConnections.AsNoTracking().Include(c => c.Organization).FirstOrDefaultAsync(c => c.Organization!.Slug == slug, cancellationToken);

    private void Validate(SsoConnectionRequest request)
    {
        if (!Uri.TryCreate(request.DiscoveryUrl?.Trim(), UriKind.Absolute, out var url) || request.DiscoveryUrl.Length > SsoConnection.MaxUrlLength
            || !(url.Scheme == Uri.UriSchemeHttps || (settings.Value.AllowHttpProviders && url.Scheme == Uri.UriSchemeHttp)))
        {
            throw new AdministrationException("The discovery URL must be an https:// address, for example https://login.practice.example/.well-known/openid-configuration.");
        }

        if (!url.AbsolutePath.EndsWith(SsoConnection.WellKnownSuffix, StringComparison.Ordinal))
        {
            throw new AdministrationException($"The discovery URL must end with {SsoConnection.WellKnownSuffix} (OpenID Connect Discovery §4).");
        }

        if (string.IsNullOrWhiteSpace(request.ClientId) || request.ClientId.Length > 200)
        {
            throw new AdministrationException("The client ID must be 1–200 characters, as the provider issued it.");
        }

        if (request.Scopes is { } scopes && (scopes.Length > 500 || scopes.Any(char.IsControl)))
        {
            throw new AdministrationException("The scopes must be a space-separated list under 500 characters.");
        }

        foreach (var claim in new[] { request.UsernameClaim, request.EmailClaim, request.NpiClaim }.OfType<string>())
        {
            if (claim.Length is 0 or > 64 || claim.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                throw new AdministrationException($"'{claim}' is not a claim name: 1–64 characters without spaces.");
            }
        }

        foreach (var domain in request.EmailDomains ?? [])
        {
            if (Uri.CheckHostName(domain.Trim()) != UriHostNameType.Dns || !domain.Contains('.', StringComparison.Ordinal))
            {
                throw new AdministrationException($"'{domain}' is not an email domain (for example riverside.example).");
            }
        }
    }

    private static object View(SsoConnection c) => new
    {
        c.DiscoveryUrl, c.ClientId, SecretSet = c.ProtectedClientSecret is not null, c.Scopes, c.UsernameClaim, c.EmailClaim, c.NpiClaim,
        c.LinkByEmail, c.LinkByNpi, c.CreateAccounts, DefaultRoles = c.DefaultRoles.ToString(), c.Required, c.EmailDomains,
    };
}

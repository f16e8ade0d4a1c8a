using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Audit;
using Signpost.Core.Organizations;
using Signpost.Core.SingleSignOn;
using Signpost.Data;
using Signpost.Web.Infrastructure;
using Signpost.Web.Queries;

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
    IReadOnlyList<string>? EmailDomains = null,
    bool? Enabled = null,
    bool? UseUserInfo = null,
    bool? AskSecondFactor = null);

/// <summary>
/// Creating and changing an organization's connection (CLI and the platform page), validated, with the
/// secret protected before it is stored and every change in the audit trail in the same transaction.
/// The audit entry never holds the secret, only whether one is set. Writes go through <see cref="ISsoConnectionStore"/>;
/// the reads go through <see cref="SsoQueries"/>.
/// </summary>
public sealed class SsoConnectionManager(SsoQueries queries, ISsoConnectionStore store, SsoSchemes schemes, AuditTrail audit, AuditActors actors, TimeProvider time, Microsoft.Extensions.Options.IOptions<SsoOptions> settings)
{
    /// <summary>Creates or changes the organization's connection; a missing organization or any bad value stores nothing.</summary>
    public async Task<AdminResult<SsoConnection>> SaveAsync(string slug, SsoConnectionRequest request, CancellationToken cancellationToken)
    {
        var organization = await queries.FindOrganizationAsync(slug.Trim().ToLowerInvariant(), cancellationToken);
        if (organization is null)
        {
            return AdminResult.NotFound($"No organization has slug '{slug}'.");
        }

        if (Check(request) is { Count: > 0 } problems)
        {
            return AdminResult.Invalid(problems);
        }

        var connection = await store.FindForChangeAsync(organization.Id, cancellationToken);
        var before = connection is null ? null : View(connection);
        var now = time.GetUtcNow();
        connection ??= new SsoConnection { OrganizationId = organization.Id, DiscoveryUrl = "", ClientId = "", CreatedAt = now };

        // Saving OpenID Connect settings makes (or keeps) the connection an OpenID Connect one.
        connection.Protocol = SsoProtocol.OpenIdConnect;
        connection.Saml = null;
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
        connection.UseUserInfo = request.UseUserInfo ?? connection.UseUserInfo;
        connection.LinkByEmail = request.LinkByEmail ?? connection.LinkByEmail;
        connection.LinkByNpi = request.LinkByNpi ?? connection.LinkByNpi;
        connection.CreateAccounts = request.CreateAccounts ?? connection.CreateAccounts;
        connection.DefaultRoles = request.DefaultRoles ?? connection.DefaultRoles;
        connection.Required = request.Required ?? connection.Required;
        connection.AskSecondFactor = request.AskSecondFactor ?? connection.AskSecondFactor;
        connection.Enabled = request.Enabled ?? connection.Enabled;
        if (request.EmailDomains is not null)
        {
            connection.EmailDomains = request.EmailDomains.Select(d => d.Trim().ToLowerInvariant()).Where(d => d.Length > 0).Distinct().ToList();
        }

        // Strictly increasing, so every node sees a new stamp even for two edits in the same millisecond.
        connection.UpdatedAt = before is null || now > connection.UpdatedAt ? now : connection.UpdatedAt.AddMilliseconds(1);

        await store.SaveAsync(connection, ct => audit.RecordAsync(actors.Current, new AuditRecord(before is null ? "sso.create" : "sso.update", "sso_connection",
            connection.Id.ToString(), organization.Id, before, View(connection)), ct), cancellationToken);
        await schemes.EnsureAsync(queries, organization.Slug, cancellationToken);
        return connection;
    }

    /// <summary>
    /// Removes the organization's connection with its links and health history (audited <c>sso.remove</c>). Its
    /// people sign in with passwords again; a new connection starts with no links.
    /// </summary>
    public async Task<AdminResult<SsoConnection>> RemoveAsync(string slug, CancellationToken cancellationToken)
    {
        var organization = await queries.FindOrganizationAsync(slug.Trim().ToLowerInvariant(), cancellationToken);
        if (organization is null || await store.FindForChangeAsync(organization.Id, cancellationToken) is not { } connection)
        {
            return AdminResult.NotFound($"'{slug}' has no single sign-on connection.");
        }

        var before = View(connection);
        await store.RemoveAsync(connection, ct => audit.RecordAsync(actors.Current, new AuditRecord("sso.remove", "sso_connection",
            connection.Id.ToString(), organization.Id, before, null), ct), cancellationToken);
        await schemes.EnsureAsync(queries, organization.Slug, cancellationToken);
        return connection;
    }

    public Task<List<SsoConnection>> ListAsync(CancellationToken cancellationToken) =>
        queries.ListConnectionsAsync(cancellationToken);

    public Task<SsoConnection?> FindAsync(string slug, CancellationToken cancellationToken) =>
        queries.FindConnectionAsync(slug, cancellationToken);

    /// <summary>
    /// Every problem at once, each naming the <see cref="SsoConnectionRequest"/> property it is about, so the page
    /// marks each input and the command line prints every sentence; nothing is stored while any remains.
    /// </summary>
    public IReadOnlyList<PolicyProblem> Check(SsoConnectionRequest request)
    {
        var problems = new List<PolicyProblem>();
        void Fail(string field, string message) => problems.Add(new PolicyProblem(field, message));

        var discovery = request.DiscoveryUrl?.Trim() ?? "";
        if (!Uri.TryCreate(discovery, UriKind.Absolute, out var url) || discovery.Length > SsoConnection.MaxUrlLength
            || !(url.Scheme == Uri.UriSchemeHttps || (settings.Value.AllowHttpProviders && url.Scheme == Uri.UriSchemeHttp)))
        {
            Fail(nameof(request.DiscoveryUrl), "The discovery URL must be an https:// address, for example https://login.practice.example/.well-known/openid-configuration.");
        }
        else if (ProviderAddresses.Refusal(url, settings.Value) is { } refusal)
        {
            Fail(nameof(request.DiscoveryUrl), "The discovery URL cannot be used: " + refusal);
        }
        else if (!url.AbsolutePath.EndsWith(SsoConnection.WellKnownSuffix, StringComparison.Ordinal))
        {
            Fail(nameof(request.DiscoveryUrl), $"The discovery URL must end with {SsoConnection.WellKnownSuffix} (OpenID Connect Discovery §4).");
        }

        if (string.IsNullOrWhiteSpace(request.ClientId) || request.ClientId.Trim().Length > 200 || request.ClientId.Any(char.IsControl))
        {
            Fail(nameof(request.ClientId), "The client ID must be 1–200 characters, as the provider issued it.");
        }

        if (request.ClientSecret is { } secret && (secret.Length > MaxSecretLength || secret.Any(char.IsControl)))
        {
            Fail(nameof(request.ClientSecret), $"The client secret must be at most {MaxSecretLength} characters, without line breaks.");
        }

        if (request.Scopes is { } scopes && (scopes.Length > 500 || scopes.Any(char.IsControl)))
        {
            Fail(nameof(request.Scopes), "The scopes must be a space-separated list under 500 characters.");
        }

        foreach (var (field, label, claim) in new[]
        {
            (nameof(request.UsernameClaim), "username claim", request.UsernameClaim),
            (nameof(request.EmailClaim), "email claim", request.EmailClaim),
            (nameof(request.NpiClaim), "NPI claim", request.NpiClaim),
        })
        {
            if (claim is not null && (claim.Length is 0 or > 64 || claim.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
            {
                Fail(field, $"The {label} '{claim}' is not a claim name: 1–64 characters without spaces.");
            }
        }

        if (request.DefaultRoles is { } roles && (roles == PracticeRoles.None || (roles & ~(PracticeRoles.Staff | PracticeRoles.Provider | PracticeRoles.PracticeAdmin)) != 0))
        {
            Fail(nameof(request.DefaultRoles), "The default role must be Staff, Provider or PracticeAdmin.");
        }

        foreach (var domain in request.EmailDomains ?? [])
        {
            if (Uri.CheckHostName(domain.Trim()) != UriHostNameType.Dns || !domain.Contains('.', StringComparison.Ordinal))
            {
                Fail(nameof(request.EmailDomains), $"'{domain}' is not an email domain (for example riverside.example).");
                break;
            }
        }

        return problems;
    }

    /// <summary>Longer than any secret a provider issues; bounds what is encrypted and stored (the column holds 2000 protected characters).</summary>
    public const int MaxSecretLength = 500;

    private static object View(SsoConnection c) => new
    {
        c.DiscoveryUrl, c.ClientId, SecretSet = c.ProtectedClientSecret is not null, c.Scopes, c.UsernameClaim, c.EmailClaim, c.NpiClaim, c.UseUserInfo,
        c.LinkByEmail, c.LinkByNpi, c.CreateAccounts, DefaultRoles = c.DefaultRoles.ToString(), c.Required, c.EmailDomains, c.Enabled, c.AskSecondFactor,
    };
}

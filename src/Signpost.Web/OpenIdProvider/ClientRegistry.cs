using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using Signpost.Core.Accounts;
using Signpost.Core.Administration;
using Signpost.Core.Audit;
using Signpost.Web.Infrastructure;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Signpost.Web.OpenIdProvider;

/// <summary>What a portal application is registered with (<c>signpost clients add</c>).</summary>
public sealed record ClientRequest(
    string ClientId,
    string? DisplayName,
    bool Public,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> PostLogoutRedirectUris,
    string? BackChannelLogoutUri,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> Practices,
    bool ClientCredentials,
    int? AccessTokenMinutes,
    int? RefreshTokenHours);

/// <summary>A registered client as the command line and the audit trail show it: never its secret.</summary>
public sealed record ClientView(
    string ClientId,
    string DisplayName,
    string Type,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> PostLogoutRedirectUris,
    string? BackChannelLogoutUri,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> Practices,
    string? AccessTokenLifetime,
    string? RefreshTokenLifetime);

/// <summary>A client just made or given a new secret: the secret is shown this once (OpenIddict stores only its hash).</summary>
public sealed record ClientSecretIssued(ClientView Client, string? Secret);

/// <summary>
/// The provider's clients, through OpenIddict's application manager (which hashes client secrets), each change
/// audited (docs/oidc-provider.md "Clients").
/// </summary>
public sealed partial class ClientRegistry(
    IOpenIddictApplicationManager applications,
    IOrganizationStore organizations,
    AuditTrail audit,
    AuditActors actors)
{
    public async Task<AdminResult<ClientSecretIssued>> AddAsync(ClientRequest request, CancellationToken cancellationToken)
    {
        if (!ClientIdPattern().IsMatch(request.ClientId))
        {
            return AdminResult.Invalid("client-id", "A client ID is 3 to 100 letters, digits, dots, dashes or underscores.");
        }

        if (await applications.FindByClientIdAsync(request.ClientId, cancellationToken) is not null)
        {
            return AdminResult.Conflict($"A client '{request.ClientId}' exists already; remove it first or choose another ID.");
        }

        if (await ValidateAsync(request, cancellationToken) is { } problem)
        {
            return problem;
        }

        var secret = request.Public ? null : NewSecret();
        var descriptor = Describe(request, secret);
        var created = await applications.CreateAsync(descriptor, cancellationToken);
        var view = await ViewAsync(created, cancellationToken);
        await audit.RecordAsync(actors.Current, new AuditRecord("oidc_client.create", "oidc_client", view.ClientId, null, null, view), cancellationToken);
        return new ClientSecretIssued(view, secret);
    }

    public async Task<IReadOnlyList<ClientView>> ListAsync(CancellationToken cancellationToken)
    {
        var views = new List<ClientView>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            views.Add(await ViewAsync(application, cancellationToken));
        }

        return views.OrderBy(v => v.ClientId, StringComparer.Ordinal).ToList();
    }

    public async Task<AdminResult<ClientView>> ShowAsync(string clientId, CancellationToken cancellationToken) =>
        await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application
            ? await ViewAsync(application, cancellationToken)
            : AdminResult.NotFound($"No client '{clientId}'.");

    /// <summary>A new secret for a confidential client; the old one stops working at once.</summary>
    public async Task<AdminResult<ClientSecretIssued>> RotateSecretAsync(string clientId, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return AdminResult.NotFound($"No client '{clientId}'.");
        }

        if (await applications.HasClientTypeAsync(application, ClientTypes.Public, cancellationToken))
        {
            return AdminResult.Refused($"'{clientId}' is a public client: it has no secret.");
        }

        var secret = NewSecret();
        await applications.UpdateAsync(application, secret, cancellationToken);
        var view = await ViewAsync(application, cancellationToken);
        await audit.RecordAsync(actors.Current, new AuditRecord("oidc_client.secret_rotated", "oidc_client", clientId, null, null, new { clientId }), cancellationToken);
        return new ClientSecretIssued(view, secret);
    }

    /// <summary>
    /// Changes what a client is registered with — name, addresses, scopes, practices, token lifetimes — checked as
    /// <see cref="AddAsync"/> checks them. Its ID, its type (public or confidential), its grants and its secret stay:
    /// a new secret is <see cref="RotateSecretAsync"/>'s alone, so an edit never shows or replaces one.
    /// </summary>
    public async Task<AdminResult<ClientView>> UpdateAsync(ClientRequest request, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(request.ClientId, cancellationToken) is not { } application)
        {
            return AdminResult.NotFound($"No client '{request.ClientId}'.");
        }

        var stored = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(stored, application, cancellationToken);
        var kept = request with
        {
            Public = stored.ClientType == ClientTypes.Public,
            ClientCredentials = stored.Permissions.Contains(Permissions.GrantTypes.ClientCredentials),
        };
        if (await ValidateAsync(kept, cancellationToken) is { } problem)
        {
            return problem;
        }

        var before = await ViewAsync(application, cancellationToken);
        var descriptor = Describe(kept, secret: null);

        // The stored hash, handed back unchanged: OpenIddict rehashes only a secret that differs from it.
        descriptor.ClientSecret = stored.ClientSecret;
        foreach (var (name, value) in stored.Properties.Where(p => !descriptor.Properties.ContainsKey(p.Key) && p.Key != ClientSettings.BackChannelLogoutProperty))
        {
            descriptor.Properties[name] = value;
        }

        foreach (var (name, value) in stored.Settings.Where(s => s.Key is not (Settings.TokenLifetimes.AccessToken or Settings.TokenLifetimes.RefreshToken)))
        {
            descriptor.Settings[name] = value;
        }

        await applications.UpdateAsync(application, descriptor, cancellationToken);
        var after = await ViewAsync(application, cancellationToken);
        await audit.RecordAsync(actors.Current, new AuditRecord("oidc_client.update", "oidc_client", after.ClientId, null, before, after), cancellationToken);
        return after;
    }

    /// <summary>Removes the client; its tokens and authorizations go with it (OpenIddict's store deletes them).</summary>
    public async Task<AdminResult<ClientView>> RemoveAsync(string clientId, CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return AdminResult.NotFound($"No client '{clientId}'.");
        }

        var view = await ViewAsync(application, cancellationToken);
        await applications.DeleteAsync(application, cancellationToken);
        await audit.RecordAsync(actors.Current, new AuditRecord("oidc_client.remove", "oidc_client", clientId, null, view, null), cancellationToken);
        return view;
    }

    private async Task<AdminResult?> ValidateAsync(ClientRequest request, CancellationToken cancellationToken)
    {
        if (request.DisplayName is { Length: > 200 })
        {
            return AdminResult.Invalid("name", "A client's name is at most 200 characters.");
        }

        if (request.RedirectUris.Count == 0)
        {
            return AdminResult.Invalid("redirect-uri", "Give at least one redirect URI.");
        }

        foreach (var uri in request.RedirectUris.Concat(request.PostLogoutRedirectUris).Concat(request.BackChannelLogoutUri is null ? [] : [request.BackChannelLogoutUri]))
        {
            if (UriProblem(uri) is { } problem)
            {
                return AdminResult.Invalid("redirect-uri", problem);
            }
        }

        var unknown = request.Scopes.Where(s => !OpenIdProviderServiceCollectionExtensions.SupportedScopes.Contains(s)).ToList();
        if (unknown.Count > 0 || !request.Scopes.Contains(Scopes.OpenId))
        {
            return AdminResult.Invalid("scope", $"Scopes are openid (always) and any of {string.Join(", ", OpenIdProviderServiceCollectionExtensions.SupportedScopes.Skip(1))}{(unknown.Count > 0 ? $"; not: {string.Join(", ", unknown)}" : "")}.");
        }

        if (request.Public && request.ClientCredentials)
        {
            return AdminResult.Invalid("client-credentials", "A public client has no secret, so it cannot use client credentials.");
        }

        if (request.Practices.Count == 0)
        {
            return AdminResult.Invalid("practice", "Name the practices that may use the client, or allow every practice.");
        }

        foreach (var slug in request.Practices.Where(p => p != ClientSettings.AllPractices))
        {
            if (!AccountRules.IsValidSlug(slug) || await organizations.FindBySlugAsync(slug, cancellationToken) is null)
            {
                return AdminResult.Invalid("practice", $"No practice '{slug}'.");
            }
        }

        if (request.AccessTokenMinutes is < 1 or > 24 * 60 || request.RefreshTokenHours is < 1 or > 24 * 90)
        {
            return AdminResult.Invalid("lifetime", "Access tokens last 1 to 1440 minutes, refresh tokens 1 to 2160 hours.");
        }

        return null;
    }

    /// <summary>
    /// Redirect URIs are matched exactly, so they are stored exactly: absolute, no fragment (RFC 6749 §3.1.2), https —
    /// or http on the loopback host only, for a developer's machine (RFC 8252 §7.3).
    /// </summary>
    private static string? UriProblem(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Fragment.Length > 0 || value.Length > 2000)
        {
            return $"'{value}' is not an absolute http(s) address without a fragment.";
        }

        return uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback && uri.Host != "localhost"
            ? $"'{value}' must use https (plain http is accepted for localhost only)."
            : null;
    }

    private static OpenIddictApplicationDescriptor Describe(ClientRequest request, string? secret)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = request.ClientId,
            ClientSecret = secret,
            ClientType = request.Public ? ClientTypes.Public : ClientTypes.Confidential,
            ApplicationType = ApplicationTypes.Web,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? request.ClientId : request.DisplayName.Trim(),
        };
        foreach (var uri in request.RedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        foreach (var uri in request.PostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        }

        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession, Permissions.Endpoints.Revocation,
            Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
        ]);
        if (!request.Public)
        {
            descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        }

        if (request.ClientCredentials)
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }

        foreach (var scope in request.Scopes.Where(s => s != Scopes.OpenId))
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        descriptor.Properties[ClientSettings.PracticesProperty] = JsonSerializer.SerializeToElement(request.Practices.Distinct(StringComparer.OrdinalIgnoreCase).ToArray());
        if (request.BackChannelLogoutUri is { } backChannel)
        {
            descriptor.Properties[ClientSettings.BackChannelLogoutProperty] = JsonSerializer.SerializeToElement(backChannel);
        }

        if (request.AccessTokenMinutes is { } access)
        {
            descriptor.Settings[Settings.TokenLifetimes.AccessToken] = TimeSpan.FromMinutes(access).ToString("c", CultureInfo.InvariantCulture);
        }

        if (request.RefreshTokenHours is { } refresh)
        {
            descriptor.Settings[Settings.TokenLifetimes.RefreshToken] = TimeSpan.FromHours(refresh).ToString("c", CultureInfo.InvariantCulture);
        }

        return descriptor;
    }

    private async Task<ClientView> ViewAsync(object application, CancellationToken cancellationToken)
    {
        var permissions = await applications.GetPermissionsAsync(application, cancellationToken);
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        var settings = await applications.GetSettingsAsync(application, cancellationToken);
        return new ClientView(
            await applications.GetClientIdAsync(application, cancellationToken) ?? "",
            await applications.GetDisplayNameAsync(application, cancellationToken) ?? "",
            await applications.GetClientTypeAsync(application, cancellationToken) ?? "",
            (await applications.GetRedirectUrisAsync(application, cancellationToken)).ToList(),
            (await applications.GetPostLogoutRedirectUrisAsync(application, cancellationToken)).ToList(),
            ClientSettings.BackChannelLogoutUri(properties),
            [Scopes.OpenId, .. permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal)).Select(p => p[Permissions.Prefixes.Scope.Length..])],
            permissions.Where(p => p.StartsWith(Permissions.Prefixes.GrantType, StringComparison.Ordinal)).Select(p => p[Permissions.Prefixes.GrantType.Length..]).ToList(),
            ClientSettings.Practices(properties),
            settings.GetValueOrDefault(Settings.TokenLifetimes.AccessToken),
            settings.GetValueOrDefault(Settings.TokenLifetimes.RefreshToken));
    }

    /// <summary>256 random bits, URL-safe: printed once, then only OpenIddict's hash of it is kept.</summary>
    private static string NewSecret() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    [GeneratedRegex("^[A-Za-z0-9._-]{3,100}$")]
    private static partial Regex ClientIdPattern();
}

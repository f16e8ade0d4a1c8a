using Signpost.Core.Accounts;
using Signpost.Core.Maintenance;
using Signpost.Core.Organizations;

namespace Signpost.Web.Maintenance;

/// <summary>
/// Whose windows the status page and its feeds show: everyone's, or with <c>?org=slug</c> one practice's
/// (portal and sign-in windows, and its own SSO windows).
/// </summary>
/// <remarks>
/// Unfiltered, an SSO window is listed without the practice it belongs to: the public page would otherwise
/// list every practice that uses the portal. A practice finds its own through its slug, which it already
/// has in its sign-in address; an unknown slug is a 404, as on <c>/o/{slug}</c>, so no more is revealed.
/// </remarks>
public sealed record StatusScope(Organization? Organization)
{
    public static readonly StatusScope Everyone = new((Organization?)null);

    public MaintenanceAudience Audience => Organization is null ? MaintenanceAudience.Everyone : MaintenanceAudience.Of([Organization.Id]);

    /// <summary>The query string that keeps this scope on a link ("" or "?org=slug").</summary>
    public string Query => Organization is null ? "" : $"?org={Uri.EscapeDataString(Organization.Slug)}";

    /// <summary>The practice an SSO window belongs to, when this scope may name it.</summary>
    public Organization? OwnerOf(MaintenanceWindow window) =>
        Organization is not null && window.Scope == MaintenanceScope.OrganizationSso && window.OrganizationId == Organization.Id ? Organization : null;

    /// <summary>The scope <c>?org=</c> asks for; null when no practice has that slug.</summary>
    public static async Task<StatusScope?> ResolveAsync(string? slug, IOrganizationStore organizations, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(slug))
        {
            return Everyone;
        }

        var normalized = slug.Trim().ToLowerInvariant();
        return AccountRules.IsValidSlug(normalized) && await organizations.FindBySlugAsync(normalized, cancellationToken) is { } organization
            ? new StatusScope(organization)
            : null;
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Core.SingleSignOn;
using Signpost.Web.Pages.Platform;
using Signpost.Web.Queries;
using Signpost.Web.Sso.Saml;

namespace Signpost.Web.Pages.PlatformSso;

/// <summary>
/// <c>/platform/sso/{slug}/saml</c>: a practice's SAML 2.0 provider as platform operators see it — the provider's
/// entity ID, SSO URL and signing certificates with their expiry, Signpost's own metadata address to hand to the
/// practice's IT team, and an import of the provider's metadata by URL or pasted text (docs/saml.md).
/// The linking and "SSO required" settings stay on the connection page.
/// </summary>
[Authorize(Roles = nameof(PlatformRoles.PlatformAdmin))]
public sealed class SamlModel(SamlConnectionManager saml, SamlFlow flow, SsoQueries queries) : PlatformPageModel
{
    public Organization? Organization { get; private set; }
    public SsoConnection? Connection { get; private set; }
    public string EntityId { get; private set; } = "";
    public string Acs { get; private set; } = "";

    [BindProperty]
    public string? MetadataUrl { get; set; }

    [BindProperty]
    public string? MetadataXml { get; set; }

    public async Task<IActionResult> OnGetAsync(string slug, string? done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        Done = done == "imported" ? "Metadata imported; the connection now signs in through SAML 2.0 from the next sign-in." : null;
        MetadataUrl = Connection?.Saml?.MetadataUrl;
        return Page();
    }

    public async Task<IActionResult> OnPostImportAsync(string slug, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        var url = string.IsNullOrWhiteSpace(MetadataUrl) ? null : MetadataUrl.Trim();
        var xml = string.IsNullOrWhiteSpace(MetadataXml) ? null : MetadataXml;
        var result = await saml.SaveAsync(slug, new SamlConnectionRequest(url, url is null ? xml : null), cancellationToken);
        if (result.Succeeded)
        {
            return RedirectToPage(new { slug, done = "imported" });
        }

        Problems.AddRange(result.Problems.Count > 0 ? result.Problems : [new PolicyProblem("", result.Message)]);
        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }

    private async Task<bool> LoadAsync(string slug, CancellationToken cancellationToken)
    {
        Organization = AccountRules.IsValidSlug(slug) ? await queries.FindOrganizationAsync(slug, cancellationToken) : null;
        if (Organization is null)
        {
            return false;
        }

        Connection = await queries.FindConnectionAsync(slug, cancellationToken);
        EntityId = flow.EntityIdFor(slug);
        Acs = flow.AcsFor(slug);
        return true;
    }
}

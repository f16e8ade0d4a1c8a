using Microsoft.AspNetCore.Mvc;
using Signpost.Web.Platform;

namespace Signpost.Web.Pages.Platform;

/// <summary>The platform operator's start page: every organization with its head counts, and a form to create one.</summary>
public sealed class IndexModel(PlatformAdministration platform, PlatformProvisioning provisioning) : PlatformPageModel
{
    public IReadOnlyList<OrganizationSummary> Organizations { get; private set; } = [];

    [BindProperty] public string? Slug { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? TaxId { get; set; }
    [BindProperty] public string? TimeZone { get; set; } = "America/New_York";

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Organizations = await platform.ListOrganizationsAsync(cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var created = await provisioning.CreateOrganizationAsync(Slug ?? "", Name ?? "",
            string.IsNullOrWhiteSpace(TaxId) ? null : TaxId.Trim(), string.IsNullOrWhiteSpace(TimeZone) ? null : TimeZone.Trim(), cancellationToken);
        if (created.Value is { } organization)
        {
            return RedirectToPage("Organization", new { slug = organization.Slug, done = "created" });
        }

        Fail("", created.Message);
        Organizations = await platform.ListOrganizationsAsync(cancellationToken);
        return Page();
    }
}

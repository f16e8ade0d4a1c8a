using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.CredentialAudits;
using Signpost.Core.Organizations;
using Signpost.Web.CredentialAudits;
using Signpost.Web.Infrastructure;
using Signpost.Web.Platform;

namespace Signpost.Web.Pages.Admin;

/// <summary>
/// The credential audit of one practice on demand (the seed's quarterly review): every person with their
/// roles, last sign-in, password age, lock and invitation state, and the findings with a recommended action
/// each; the same rows as CSV. For that practice's admins and platform admins; anyone else gets the same 404
/// as for a practice that does not exist, and the attempt is audited.
/// </summary>
public sealed class CredentialAuditModel(AdminScope scope, PlatformAdministration platform, CredentialAuditService audits) : PageModel
{
    public CredentialAuditReport? Report { get; private set; }
    public Organization? Organization { get; private set; }
    public int Days { get; private set; } = CredentialAuditService.DefaultDays;

    public async Task<IActionResult> OnGetAsync(string slug, string? days, CancellationToken cancellationToken) =>
        await LoadAsync(slug, days, "credential_audit.read", cancellationToken) ?? Page();

    public async Task<IActionResult> OnGetCsvAsync(string slug, string? days, CancellationToken cancellationToken)
    {
        if (await LoadAsync(slug, days, "credential_audit.csv", cancellationToken) is { } refused)
        {
            return refused;
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"credential-audit-{Organization!.Slug}-{Report!.GeneratedAt.UtcDateTime:yyyy-MM-dd}.csv");
        return File(CredentialAuditCsv.Encode(Report), "text/csv; charset=utf-8", name);
    }

    /// <summary>Null when the report is loaded; otherwise the (audited) 404.</summary>
    private async Task<IActionResult?> LoadAsync(string slug, string? days, string attempted, CancellationToken cancellationToken)
    {
        // A number outside 1–3650 or no number at all falls back to a quarter rather than failing the page.
        Days = int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is >= 1 and <= CredentialAuditService.MaxDays
            ? d : CredentialAuditService.DefaultDays;
        Organization = slug.Length <= 64 ? await platform.FindOrganizationAsync(slug, cancellationToken) : null;
        if (Organization is null || !await scope.CanAdministerAsync(Organization.Id, cancellationToken))
        {
            if (!scope.IsPlatformAdmin)
            {
                await scope.RefuseAsync(attempted, "organization", Organization?.Id.ToString() ?? Cut(slug), Organization?.Id,
                    Organization is null ? "No practice has this slug." : "Not an admin of this practice.", cancellationToken);
            }

            return NotFound();
        }

        Report = await audits.RunAsync(Organization.Id, Days, null, cancellationToken);
        return Report is null ? NotFound() : null;
    }

    private static string Cut(string value) => value.Length > 64 ? value[..64] : value;
}

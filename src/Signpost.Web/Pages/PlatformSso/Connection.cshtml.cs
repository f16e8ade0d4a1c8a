using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.SingleSignOn;
using Signpost.Data;
using Signpost.Web.Sso;

namespace Signpost.Web.Pages.PlatformSso;

/// <summary>
/// <c>/platform/sso/{slug}</c>: one organization's connection as platform operators see it — settings (never the
/// secret), health history, and a "Test connection" button that runs the checks now and explains each result.
/// </summary>
[Authorize(Roles = nameof(PlatformRoles.PlatformAdmin))]
public sealed class ConnectionModel(SsoAdministration connections, SsoHealthChecker checker, SignpostDbContext db) : PageModel
{
    public SsoConnection? Connection { get; private set; }
    public IReadOnlyList<SsoHealthRecord> History { get; private set; } = [];
    public SsoHealthReport? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        return await LoadAsync(slug, cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostTestAsync(string slug, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        Report = await checker.CheckAndRecordAsync(Connection!, cancellationToken);
        await LoadAsync(slug, cancellationToken);
        return Page();
    }

    private async Task<bool> LoadAsync(string slug, CancellationToken cancellationToken)
    {
        Connection = AccountRules.IsValidSlug(slug) ? await connections.FindAsync(slug, cancellationToken) : null;
        if (Connection is null)
        {
            return false;
        }

        var id = Connection.Id;
        History = (await db.SsoHealthRecords.AsNoTracking().Where(r => r.ConnectionId == id).ToListAsync(cancellationToken))
            .OrderByDescending(r => r.CheckedAt).Take(20).ToList();
        return true;
    }
}

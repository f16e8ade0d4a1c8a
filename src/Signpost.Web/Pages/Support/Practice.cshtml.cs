using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Organizations;
using Signpost.Data;

namespace Signpost.Web.Pages.Support;

/// <summary>A practice as the help desk sees it: its facts, its people, and how its sign-ins failed lately.</summary>
public sealed class PracticeModel(SignpostDbContext db, TimeProvider time) : PageModel
{
    /// <summary>How far back the failure summary looks.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromDays(7);

    public Organization Organization { get; private set; } = null!;
    public IReadOnlyList<Core.Accounts.Account> Members { get; private set; } = [];
    public IReadOnlyList<(string Code, int Count)> RecentFailures { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var organization = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Slug == slug, cancellationToken);
        if (organization is null)
        {
            return NotFound();
        }

        Organization = organization;
        Members = await db.Accounts.AsNoTracking()
            .Where(a => a.Memberships.Any(m => m.OrganizationId == organization.Id))
            .Include(a => a.Memberships)
            .OrderBy(a => a.Username)
            .Take(500)
            .ToListAsync(cancellationToken);
        var since = time.GetUtcNow() - Recent;
        var failures = await db.SignInEvents.AsNoTracking()
            .Where(e => e.OrganizationId == organization.Id && !e.Succeeded && e.OccurredAt >= since)
            .GroupBy(e => e.ReasonCode)
            .Select(g => new { Code = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        RecentFailures = [.. failures.OrderByDescending(f => f.Count).Select(f => (f.Code, f.Count))];
        return Page();
    }
}

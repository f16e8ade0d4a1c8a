using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Organizations;
using Signpost.Web.Queries;

namespace Signpost.Web.Pages.Support;

/// <summary>A practice as the help desk sees it: its facts, its people, and how its sign-ins failed lately.</summary>
public sealed class PracticeModel(SupportQueries queries, TimeProvider time) : PageModel
{
    /// <summary>How far back the failure summary looks.</summary>
    public static readonly TimeSpan Recent = TimeSpan.FromDays(7);

    public Organization Organization { get; private set; } = null!;
    public IReadOnlyList<Core.Accounts.Account> Members { get; private set; } = [];
    public IReadOnlyList<(string Code, int Count)> RecentFailures { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var organization = await queries.FindPracticeAsync(slug, cancellationToken);
        if (organization is null)
        {
            return NotFound();
        }

        Organization = organization;
        Members = await queries.ListMembersAsync(organization.Id, 500, cancellationToken);
        var since = time.GetUtcNow() - Recent;
        RecentFailures = await queries.RecentFailuresAsync(organization.Id, since, cancellationToken);
        return Page();
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Data.Search;
using Signpost.Web.Infrastructure;
using Signpost.Web.Queries;

namespace Signpost.Web.Pages.Support;

/// <summary>
/// The help desk's one search box (docs/design.md §1, issue 4): a trace ID opens its attempt; a username, email or
/// NPI opens the account; a practice's name, slug or TIN lists the practice and its people. Partial names
/// match too, because callers rarely spell their provider ID exactly (three characters or more, through an index).
/// </summary>
public sealed class IndexModel(SupportQueries queries) : PageModel
{
    /// <summary>Longest query read; anything longer is cut (no identifier is longer).</summary>
    public const int MaxQueryLength = AccountRules.MaxIdentifierLength;

    /// <summary>At most this many accounts and practices are listed for a partial match.</summary>
    public const int MaxResults = 50;

    public string? Query { get; private set; }
    public IReadOnlyList<SupportQueries.AccountHit> Accounts { get; private set; } = [];
    public IReadOnlyList<Organization> Organizations { get; private set; } = [];
    public bool Searched { get; private set; }

    /// <summary>The query was too short to match part of a value (<see cref="SupportSearch.MinimumLength"/>): only whole values were looked up.</summary>
    public bool TooShortForPartial { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? q, CancellationToken cancellationToken)
    {
        var query = SupportSearch.WithoutNul(q ?? "").Trim();
        if (query.Length == 0)
        {
            return Page();
        }

        Query = query.Length > MaxQueryLength ? query[..MaxQueryLength] : query;
        Searched = true;
        var lowered = Query.ToLowerInvariant();
        if (TraceIds.IsWellFormed(lowered))
        {
            var attempt = await queries.FindTraceAsync(lowered, cancellationToken);
            if (attempt is not null)
            {
                return RedirectToPage("/Support/Attempt", new { traceId = attempt });
            }
        }

        var key = Core.Accounts.Account.Normalize(Query);
        var exact = await queries.ExactAccountIdsAsync(key, Query, cancellationToken);
        if (exact.Count == 1)
        {
            return RedirectToPage("/Support/Account", new { id = exact[0] });
        }

        // Partial matches go through the search index (docs/support-console.md "How search works"): the user's text
        // is literal (% and _ mean themselves); shorter than three characters it matches whole values only.
        TooShortForPartial = !SupportSearch.IsPartial(key);
        Accounts = await queries.SearchAccountsAsync(key, Query, MaxResults, cancellationToken);
        var digits = new string(Query.Where(char.IsAsciiDigit).ToArray());
        Organizations = await queries.SearchOrganizationsAsync(key, digits, MaxResults, cancellationToken);
        if (Accounts.Count == 0 && Organizations.Count == 1)
        {
            return RedirectToPage("/Support/Practice", new { slug = Organizations[0].Slug });
        }

        return Page();
    }
}

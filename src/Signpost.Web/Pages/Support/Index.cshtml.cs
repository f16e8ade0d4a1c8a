using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Web.Infrastructure;
using Signpost.Web.Queries;

namespace Signpost.Web.Pages.Support;

/// <summary>
/// The help desk's one search box (docs/design.md §1, issue 4): a trace ID opens its attempt; a username, email or
/// NPI opens the account; a practice's name, slug or TIN lists the practice and its people. Partial names
/// match too, because callers rarely spell their provider ID exactly.
/// </summary>
public sealed class IndexModel(SupportQueries queries) : PageModel
{
    /// <summary>Longest query read; anything longer is cut (no identifier is longer).</summary>
    public const int MaxQueryLength = AccountRules.MaxIdentifierLength;

    /// <summary>At most this many accounts and practices are listed for a partial match.</summary>
    public const int MaxResults = 50;

    public string? Query { get; private set; }
    public IReadOnlyList<Core.Accounts.Account> Accounts { get; private set; } = [];
    public IReadOnlyList<Organization> Organizations { get; private set; } = [];
    public bool Searched { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? q, CancellationToken cancellationToken)
    {
        var query = (q ?? "").Trim();
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

        // Partial matches: LIKE with the user's text escaped, so % and _ mean themselves.
        var pattern = "%" + key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        Accounts = await queries.SearchAccountsAsync(pattern, Query, MaxResults, cancellationToken);
        var digits = new string(Query.Where(char.IsAsciiDigit).ToArray());
        Organizations = await queries.SearchOrganizationsAsync(pattern, digits, MaxResults, cancellationToken);
        if (Accounts.Count == 0 && Organizations.Count == 1)
        {
            return RedirectToPage("/Support/Practice", new { slug = Organizations[0].Slug });
        }

        return Page();
    }
}

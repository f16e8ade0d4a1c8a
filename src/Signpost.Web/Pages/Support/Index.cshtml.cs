using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Data;
using Signpost.Web.Infrastructure;

namespace Signpost.Web.Pages.Support;

/// <summary>
/// The help desk's one search box (docs/design.md §1, issue 4): a trace ID opens its attempt; a username, email or
/// NPI opens the account; a practice's name, slug or TIN lists the practice and its people. Partial names
/// match too, because callers rarely spell their provider ID exactly.
/// </summary>
public sealed class IndexModel(SignpostDbContext db) : PageModel
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
            var attempt = await db.SignInEvents.AsNoTracking().Where(e => e.TraceId == lowered).Select(e => new { e.TraceId }).FirstOrDefaultAsync(cancellationToken);
            if (attempt is not null)
            {
                return RedirectToPage("/Support/Attempt", new { traceId = attempt.TraceId });
            }
        }

        var key = Core.Accounts.Account.Normalize(Query);
        var exact = await db.Accounts.AsNoTracking()
            .Where(a => a.NormalizedUsername == key || a.NormalizedEmail == key || a.Npi == Query)
            .Select(a => a.Id)
            .ToListAsync(cancellationToken);
        if (exact.Count == 1)
        {
            return RedirectToPage("/Support/Account", new { id = exact[0] });
        }

        // Partial matches: LIKE with the user's text escaped, so % and _ mean themselves.
        var pattern = "%" + key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        Accounts = await db.Accounts.AsNoTracking()
            .Include(a => a.Memberships).ThenInclude(m => m.Organization)
            .Where(a => EF.Functions.Like(a.NormalizedUsername, pattern, "\\") || EF.Functions.Like(a.NormalizedEmail, pattern, "\\")
                || EF.Functions.Like(a.DisplayName.ToUpper(), pattern, "\\") || (a.Npi != null && a.Npi == Query))
            .OrderBy(a => a.Username)
            .Take(MaxResults)
            .ToListAsync(cancellationToken);
        var digits = new string(Query.Where(char.IsAsciiDigit).ToArray());
        Organizations = await db.Organizations.AsNoTracking()
            .Where(o => EF.Functions.Like(o.Name.ToUpper(), pattern, "\\") || EF.Functions.Like(o.Slug.ToUpper(), pattern, "\\")
                || (digits.Length == 9 && o.TaxId == digits))
            .OrderBy(o => o.Name)
            .Take(MaxResults)
            .ToListAsync(cancellationToken);
        if (Accounts.Count == 0 && Organizations.Count == 1)
        {
            return RedirectToPage("/Support/Practice", new { slug = Organizations[0].Slug });
        }

        return Page();
    }
}

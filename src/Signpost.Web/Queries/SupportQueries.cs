using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Lockout;
using Signpost.Core.Organizations;
using Signpost.Data;
using Signpost.Data.Search;

namespace Signpost.Web.Queries;

/// <summary>
/// What the help desk's screens read (search, practice, incident queue, account): read-only and untracked.
/// Writes go through Core services and Data stores; screens read from <c>Web/Queries/</c> (README "Layout").
/// </summary>
public sealed class SupportQueries(SignpostDbContext db, SearchTermFrequencies frequencies)
{
    /// <summary>The trace ID as stored, when an attempt with it exists.</summary>
    public async Task<string?> FindTraceAsync(string traceId, CancellationToken cancellationToken) =>
        (await db.SignInEvents.AsNoTracking().Where(e => e.TraceId == traceId).Select(e => new { e.TraceId }).FirstOrDefaultAsync(cancellationToken))?.TraceId;

    /// <summary>Accounts whose username or email is exactly <paramref name="key"/> (normalized) or whose NPI is <paramref name="query"/>.</summary>
    public async Task<IReadOnlyList<Guid>> ExactAccountIdsAsync(string key, string query, CancellationToken cancellationToken) =>
        await db.Accounts.AsNoTracking()
            .Where(a => a.NormalizedUsername == key || a.NormalizedEmail == key || a.Npi == query)
            .Select(a => a.Id)
            .ToListAsync(cancellationToken);

    /// <summary>One row of the search's list of people: what the page shows, and no more.</summary>
    public sealed record AccountHit(Guid Id, string Username, string DisplayName, string Email, string? Npi, AccountStatus Status, IReadOnlyList<string> Practices);

    /// <summary>Accounts with <paramref name="key"/> (normalized) in their username, email or name, or whose NPI is <paramref name="query"/>, through the search index (<see cref="SupportSearch"/>), by username.</summary>
    /// <remarks>
    /// The practices' names are read in a second query for the accounts found. As an <c>Include</c> they were a join of
    /// the page's accounts with every membership and its practice, which SQLite built in full on each search: 15–20 s
    /// at a million accounts (BENCHMARKS.md, "Support console search at size"). Both reads take only the columns the
    /// list shows: whole accounts and practices were a sixth of a search's CPU, materialized and thrown away
    /// (docs/support-console.md, "How search works").
    /// </remarks>
    public async Task<IReadOnlyList<AccountHit>> SearchAccountsAsync(string key, string query, int take, CancellationToken cancellationToken)
    {
        var accounts = await db.MatchingAccounts(key, query, frequencies.For(SearchTable.Accounts)).AsNoTracking()
            .OrderBy(a => a.Username)
            .Take(take)
            .Select(a => new { a.Id, a.Username, a.DisplayName, a.Email, a.Npi, a.Status })
            .ToListAsync(cancellationToken);
        if (accounts.Count == 0)
        {
            return [];
        }

        var ids = accounts.Select(a => a.Id).ToList();
        var practices = (await db.Memberships.AsNoTracking()
            .Where(m => ids.Contains(m.AccountId) && m.Organization != null)
            .Select(m => new { m.AccountId, m.Organization!.Name })
            .ToListAsync(cancellationToken)).ToLookup(m => m.AccountId, m => m.Name);
        return [.. accounts.Select(a => new AccountHit(a.Id, a.Username, a.DisplayName, a.Email, a.Npi, a.Status,
            [.. practices[a.Id].Order(StringComparer.Ordinal)]))];
    }

    /// <summary>Practices with <paramref name="key"/> in their name or slug, or whose TIN is the nine <paramref name="digits"/>, through the search index, by name.</summary>
    public async Task<IReadOnlyList<Organization>> SearchOrganizationsAsync(string key, string digits, int take, CancellationToken cancellationToken) =>
        await db.MatchingOrganizations(key, digits, frequencies.For(SearchTable.Practices)).AsNoTracking()
            .OrderBy(o => o.Name)
            .Take(take)
            .ToListAsync(cancellationToken);

    public Task<Organization?> FindPracticeAsync(string slug, CancellationToken cancellationToken) =>
        db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Slug == slug, cancellationToken);

    /// <summary>Every practice, by name.</summary>
    public async Task<IReadOnlyList<Organization>> ListPracticesAsync(CancellationToken cancellationToken) =>
        await db.Organizations.AsNoTracking().OrderBy(o => o.Name).ToListAsync(cancellationToken);

    /// <summary>People with any membership of the practice, with their memberships, by username.</summary>
    public async Task<IReadOnlyList<Account>> ListMembersAsync(Guid organizationId, int take, CancellationToken cancellationToken) =>
        await db.Accounts.AsNoTracking()
            .Where(a => a.Memberships.Any(m => m.OrganizationId == organizationId))
            .Include(a => a.Memberships)
            .OrderBy(a => a.Username)
            .Take(take)
            .ToListAsync(cancellationToken);

    /// <summary>The practice's failed sign-ins since <paramref name="since"/>, counted by reason, most frequent first.</summary>
    public async Task<IReadOnlyList<(string Code, int Count)>> RecentFailuresAsync(Guid organizationId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var failures = await db.SignInEvents.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId && !e.Succeeded && e.OccurredAt >= since)
            .GroupBy(e => e.ReasonCode)
            .Select(g => new { Code = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return [.. failures.OrderByDescending(f => f.Count).Select(f => (f.Code, f.Count))];
    }

    /// <summary>The account with its memberships and their practices.</summary>
    public Task<Account?> FindAccountAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Accounts.AsNoTracking()
            .Include(a => a.Memberships).ThenInclude(m => m.Organization)
            .FirstOrDefaultAsync(a => a.Id == accountId, cancellationToken);

    public async Task<IReadOnlyList<LockoutCounter>> ListLocksAsync(Guid accountId, CancellationToken cancellationToken) =>
        await db.LockoutCounters.AsNoTracking().Where(c => c.AccountId == accountId).ToListAsync(cancellationToken);
}

using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Lockout;
using Signpost.Core.Organizations;
using Signpost.Data;

namespace Signpost.Web.Queries;

/// <summary>
/// What the help desk's screens read (search, practice, incident queue, account): read-only and untracked.
/// Writes go through Core services and Data stores; screens read from <c>Web/Queries/</c> (README "Layout").
/// </summary>
public sealed class SupportQueries(SignpostDbContext db)
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

    /// <summary>Accounts matching the escaped LIKE <paramref name="pattern"/> (backslash escapes) by username, email or name, or by NPI exactly.</summary>
    public async Task<IReadOnlyList<Account>> SearchAccountsAsync(string pattern, string query, int take, CancellationToken cancellationToken) =>
        await db.Accounts.AsNoTracking()
            .Include(a => a.Memberships).ThenInclude(m => m.Organization)
            .Where(a => EF.Functions.Like(a.NormalizedUsername, pattern, "\\") || EF.Functions.Like(a.NormalizedEmail, pattern, "\\")
                || EF.Functions.Like(a.DisplayName.ToUpper(), pattern, "\\") || (a.Npi != null && a.Npi == query))
            .OrderBy(a => a.Username)
            .Take(take)
            .ToListAsync(cancellationToken);

    /// <summary>Practices matching the escaped LIKE <paramref name="pattern"/> by name or slug, or by a nine-digit TIN exactly.</summary>
    public async Task<IReadOnlyList<Organization>> SearchOrganizationsAsync(string pattern, string digits, int take, CancellationToken cancellationToken) =>
        await db.Organizations.AsNoTracking()
            .Where(o => EF.Functions.Like(o.Name.ToUpper(), pattern, "\\") || EF.Functions.Like(o.Slug.ToUpper(), pattern, "\\")
                || (digits.Length == 9 && o.TaxId == digits))
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

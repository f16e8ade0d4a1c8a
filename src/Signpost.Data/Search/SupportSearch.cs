using Microsoft.EntityFrameworkCore;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;

namespace Signpost.Data.Search;

/// <summary>
/// The support console's partial search (docs/support-console.md "How search works"): text anywhere in an account's
/// username, email or display name, or in a practice's name or slug, case-insensitive, with <c>%</c>, <c>_</c> and
/// <c>\</c> meaning themselves. It goes through an index on both providers: on SQLite the FTS5 trigram tables
/// <c>AccountSearch</c> and <c>PracticeSearch</c> pick the candidates, on PostgreSQL pg_trgm GIN indexes serve the
/// LIKE itself (migration <c>SupportSearchIndex</c>). The LIKE decides the match on both, so the index only narrows
/// the rows read. Text shorter than <see cref="MinimumLength"/> characters has no trigram to look up: it matches
/// exactly only (through the unique indexes), never by a scan.
/// </summary>
public static class SupportSearch
{
    /// <summary>The shortest text matched as a part of a value: one trigram.</summary>
    public const int MinimumLength = 3;

    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>Whether <paramref name="key"/> is long enough to be matched as a part (counted in characters, not UTF-16 units).</summary>
    public static bool IsPartial(string key) => key.EnumerateRunes().Count() >= MinimumLength;

    /// <summary>The LIKE pattern for text anywhere in a value, backslash-escaped so the user's <c>%</c>, <c>_</c> and <c>\</c> are literal.</summary>
    public static string ContainsPattern(string key) =>
        "%" + key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>An FTS5 query for <paramref name="key"/> as one literal phrase: quoted, its quotes doubled, so no FTS syntax (NEAR, *, ^, :, AND) applies.</summary>
    public static string Phrase(string key) => "\"" + key.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The text without NUL characters: no stored value has one, and PostgreSQL refuses them in a parameter.</summary>
    public static string WithoutNul(string text) => text.Replace("\0", "", StringComparison.Ordinal);

    /// <summary>
    /// Accounts with <paramref name="key"/> (normalized) in their normalized username, normalized email or upper-cased
    /// display name, or whose NPI is <paramref name="query"/> exactly; when <paramref name="key"/> is shorter than
    /// <see cref="MinimumLength"/>, accounts whose username or email is exactly it. Unordered: the caller orders and takes.
    /// </summary>
    public static IQueryable<Account> MatchingAccounts(this SignpostDbContext db, string key, string query)
    {
        (key, query) = (WithoutNul(key), WithoutNul(query));
        if (!IsPartial(key))
        {
            return db.Accounts.Where(a => a.NormalizedUsername == key || a.NormalizedEmail == key || (a.Npi != null && a.Npi == query));
        }

        // SQLite: the FTS table's rows joined by rowid (CROSS JOIN keeps that order), plus the one NPI match when
        // the text did not already find it. UNION ALL, not UNION: deduplicating a common text's every match in a
        // temporary B-tree took 30 s at a million accounts.
        var pattern = ContainsPattern(key);
        var accounts = db.Database.ProviderName == SqliteProvider
            ? db.Accounts.FromSql($"""
                SELECT "Accounts".* FROM "AccountSearch" CROSS JOIN "Accounts" ON "Accounts".rowid = "AccountSearch".rowid WHERE "AccountSearch" MATCH {Phrase(key)}
                UNION ALL SELECT * FROM "Accounts" WHERE "Npi" = {query}
                    AND NOT EXISTS (SELECT 1 FROM "AccountSearch" WHERE "AccountSearch" MATCH {Phrase(key)} AND "AccountSearch".rowid = "Accounts".rowid)
                """)
            : db.Accounts;
        return accounts.Where(a => EF.Functions.Like(a.NormalizedUsername, pattern, "\\") || EF.Functions.Like(a.NormalizedEmail, pattern, "\\")
            || EF.Functions.Like(a.DisplayName.ToUpper(), pattern, "\\") || (a.Npi != null && a.Npi == query));
    }

    /// <summary>
    /// Practices with <paramref name="key"/> in their upper-cased name or slug, or whose TIN is the nine digits
    /// <paramref name="digits"/>; when <paramref name="key"/> is shorter than <see cref="MinimumLength"/>, practices
    /// whose slug is exactly it (any case). Unordered.
    /// </summary>
    public static IQueryable<Organization> MatchingOrganizations(this SignpostDbContext db, string key, string digits)
    {
        key = WithoutNul(key);
        if (!IsPartial(key))
        {
            var slug = key.ToLowerInvariant();
            return db.Organizations.Where(o => o.Slug == slug || (digits.Length == 9 && o.TaxId == digits));
        }

        var pattern = ContainsPattern(key);
        var organizations = db.Database.ProviderName != SqliteProvider ? db.Organizations
            : digits.Length == 9
                ? db.Organizations.FromSql($"""
                    SELECT "Organizations".* FROM "PracticeSearch" CROSS JOIN "Organizations" ON "Organizations".rowid = "PracticeSearch".rowid WHERE "PracticeSearch" MATCH {Phrase(key)}
                    UNION ALL SELECT * FROM "Organizations" WHERE "TaxId" = {digits}
                        AND NOT EXISTS (SELECT 1 FROM "PracticeSearch" WHERE "PracticeSearch" MATCH {Phrase(key)} AND "PracticeSearch".rowid = "Organizations".rowid)
                    """)
                : db.Organizations.FromSql($"""
                    SELECT "Organizations".* FROM "PracticeSearch" CROSS JOIN "Organizations" ON "Organizations".rowid = "PracticeSearch".rowid WHERE "PracticeSearch" MATCH {Phrase(key)}
                    """);
        return organizations.Where(o => EF.Functions.Like(o.Name.ToUpper(), pattern, "\\") || EF.Functions.Like(o.Slug.ToUpper(), pattern, "\\")
            || (digits.Length == 9 && o.TaxId == digits));
    }
}

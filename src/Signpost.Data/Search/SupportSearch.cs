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

    internal const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>Whether <paramref name="key"/> is long enough to be matched as a part (counted in characters, not UTF-16 units).</summary>
    public static bool IsPartial(string key) => key.EnumerateRunes().Count() >= MinimumLength;

    /// <summary>The LIKE pattern for text anywhere in a value, backslash-escaped so the user's <c>%</c>, <c>_</c> and <c>\</c> are literal.</summary>
    public static string ContainsPattern(string key) =>
        "%" + key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>An FTS5 query for <paramref name="key"/> as one literal phrase: quoted, its quotes doubled, so no FTS syntax (NEAR, *, ^, :, AND) applies.</summary>
    public static string Phrase(string key) => "\"" + key.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// A trigram in more than this share of a table's rows is common: its index list is not read when the text has a
    /// rarer one. Leaving a trigram out saves reading its list but lets more candidate rows through, each read from
    /// the table at random; at 2 % a practice's slug lost its <c>P01</c> (5 % of accounts) and read twice the
    /// candidates (docs/support-console.md, "Common trigrams").
    /// </summary>
    public const double CommonShare = 0.10;

    /// <summary>
    /// The FTS5 query for <paramref name="key"/>: each run of its consecutive rare trigrams (at most
    /// <see cref="CommonShare"/> of the rows by <paramref name="shares"/>) as a literal phrase, the phrases joined by
    /// <c>AND</c>; the whole text as one phrase when there are no shares or every trigram is common. Every row holding
    /// the text holds each of those runs, so the rows the index picks are never fewer than the whole phrase's, only
    /// cheaper to find; the <c>LIKE</c> then decides (docs/support-console.md, "Common trigrams").
    /// </summary>
    public static string MatchExpression(string key, TrigramShares? shares)
    {
        if (shares is null)
        {
            return Phrase(key);
        }

        var runes = key.EnumerateRunes().Select(r => r.ToString()).ToArray();
        var runs = new List<string>();
        var start = -1;
        for (var i = 0; i + 3 <= runes.Length + 1; i++)
        {
            var rare = i + 3 <= runes.Length && shares.Share(runes[i] + runes[i + 1] + runes[i + 2]) <= CommonShare;
            if (rare && start < 0)
            {
                start = i;
            }
            else if (!rare && start >= 0)
            {
                runs.Add(string.Concat(runes[start..(i + 2)]));
                start = -1;
            }
        }

        return runs.Count == 0 ? Phrase(key) : string.Join(" AND ", runs.Select(Phrase));
    }

    /// <summary>The text without NUL characters: no stored value has one, and PostgreSQL refuses them in a parameter.</summary>
    public static string WithoutNul(string text) => text.Replace("\0", "", StringComparison.Ordinal);

    /// <summary>
    /// Accounts with <paramref name="key"/> (normalized) in their normalized username, normalized email or upper-cased
    /// display name, or whose NPI is <paramref name="query"/> exactly; when <paramref name="key"/> is shorter than
    /// <see cref="MinimumLength"/>, accounts whose username or email is exactly it. Unordered: the caller orders and
    /// takes. <paramref name="shares"/>, how common each trigram is among accounts (<see cref="SearchTermFrequencies"/>),
    /// lets the index read only the rare ones (<see cref="MatchExpression"/>); null reads every one.
    /// </summary>
    public static IQueryable<Account> MatchingAccounts(this SignpostDbContext db, string key, string query, TrigramShares? shares = null)
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
        var match = MatchExpression(key, shares);
        var accounts = db.Database.ProviderName == SqliteProvider
            ? db.Accounts.FromSql($"""
                SELECT "Accounts".* FROM "AccountSearch" CROSS JOIN "Accounts" ON "Accounts".rowid = "AccountSearch".rowid WHERE "AccountSearch" MATCH {match}
                UNION ALL SELECT * FROM "Accounts" WHERE "Npi" = {query}
                    AND NOT EXISTS (SELECT 1 FROM "AccountSearch" WHERE "AccountSearch" MATCH {match} AND "AccountSearch".rowid = "Accounts".rowid)
                """)
            : db.Accounts;
        return accounts.Where(a => EF.Functions.Like(a.NormalizedUsername, pattern, "\\") || EF.Functions.Like(a.NormalizedEmail, pattern, "\\")
            || EF.Functions.Like(a.DisplayName.ToUpper(), pattern, "\\") || (a.Npi != null && a.Npi == query));
    }

    /// <summary>
    /// Practices with <paramref name="key"/> in their upper-cased name or slug, or whose TIN is the nine digits
    /// <paramref name="digits"/>; when <paramref name="key"/> is shorter than <see cref="MinimumLength"/>, practices
    /// whose slug is exactly it (any case). Unordered. <paramref name="shares"/>: how common each trigram is among
    /// practices, as for accounts.
    /// </summary>
    public static IQueryable<Organization> MatchingOrganizations(this SignpostDbContext db, string key, string digits, TrigramShares? shares = null)
    {
        key = WithoutNul(key);
        if (!IsPartial(key))
        {
            var slug = key.ToLowerInvariant();
            return db.Organizations.Where(o => o.Slug == slug || (digits.Length == 9 && o.TaxId == digits));
        }

        var pattern = ContainsPattern(key);
        var match = MatchExpression(key, shares);
        var organizations = db.Database.ProviderName != SqliteProvider ? db.Organizations
            : digits.Length == 9
                ? db.Organizations.FromSql($"""
                    SELECT "Organizations".* FROM "PracticeSearch" CROSS JOIN "Organizations" ON "Organizations".rowid = "PracticeSearch".rowid WHERE "PracticeSearch" MATCH {match}
                    UNION ALL SELECT * FROM "Organizations" WHERE "TaxId" = {digits}
                        AND NOT EXISTS (SELECT 1 FROM "PracticeSearch" WHERE "PracticeSearch" MATCH {match} AND "PracticeSearch".rowid = "Organizations".rowid)
                    """)
                : db.Organizations.FromSql($"""
                    SELECT "Organizations".* FROM "PracticeSearch" CROSS JOIN "Organizations" ON "Organizations".rowid = "PracticeSearch".rowid WHERE "PracticeSearch" MATCH {match}
                    """);
        return organizations.Where(o => EF.Functions.Like(o.Name.ToUpper(), pattern, "\\") || EF.Functions.Like(o.Slug.ToUpper(), pattern, "\\")
            || (digits.Length == 9 && o.TaxId == digits));
    }
}

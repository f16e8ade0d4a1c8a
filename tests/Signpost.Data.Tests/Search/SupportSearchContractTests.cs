using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Signpost.Core.Accounts;
using Signpost.Core.Organizations;
using Signpost.Data.Search;
using Signpost.Data.Tests.Infrastructure;
using Signpost.Data.Tests.Stores;

namespace Signpost.Data.Tests.Search;

/// <summary>
/// The support console's partial search (docs/support-console.md "How search works") on SQLite and PostgreSQL: text
/// in the middle of a username, email or name matches in any case, the user's % and _ are literal, the index follows
/// updates and deletes (SQLite's triggers), hostile text is only text, short text matches whole values only, and the
/// database answers through the index (FTS5 trigram table / pg_trgm GIN index), not a scan of every account.
/// </summary>
public sealed class SupportSearchContractTests(PostgresServer postgres) : StoreContractTest(postgres)
{
    private static Account NewAccount(string username, string email, string name, string? npi = null) => new()
    {
        Npi = npi,
        Username = username,
        NormalizedUsername = Account.Normalize(username),
        Email = email,
        NormalizedEmail = Account.Normalize(email),
        DisplayName = name,
        Status = AccountStatus.Active,
        CreatedAt = Now,
    };

    private static Task<string[]> AccountsAsync(StoreHost host, string text, string? query = null, TrigramShares? shares = null) => host.DbAsync(async db =>
        (await db.MatchingAccounts(Account.Normalize(text), query ?? text, shares).AsNoTracking().OrderBy(a => a.Username).Select(a => a.Username).ToListAsync()).ToArray());

    private static Task<string[]> PracticesAsync(StoreHost host, string text, string digits = "", TrigramShares? shares = null) => host.DbAsync(async db =>
        (await db.MatchingOrganizations(Account.Normalize(text), digits, shares).AsNoTracking().OrderBy(o => o.Name).Select(o => o.Slug).ToListAsync()).ToArray());

    private static async Task ArrangeAsync(StoreHost host) => await host.DbAsync(async db =>
    {
        db.Accounts.AddRange(
            NewAccount("jmiddleton", "jane.m@riverside.example", "Jane Middleton"),
            NewAccount("a_b.person", "ab@lake.example", "Percent 100% Care"),
            NewAccount("axb.person", "axb@lake.example", "Percent 1000 Care"),
            NewAccount("quoter", "quoter@lake.example", "Dana \"The Quote\" O'Brien", "1234567893"));
        db.Organizations.AddRange(
            new Organization { Slug = "riverside-family", Name = "Riverside Family Medicine", CreatedAt = Now, TaxId = "123456789" },
            new Organization { Slug = "lakeview", Name = "Lakeview Clinic", CreatedAt = Now });
        await db.SaveChangesAsync();
    });

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Matches_TextInTheMiddle_InAnyCase_WithWildcardsLiteral(string provider)
    {
        var host = await StartAsync(provider);
        await ArrangeAsync(host);

        Assert.Equal(["jmiddleton"], await AccountsAsync(host, "iddlet"));          // username, middle, lower case
        Assert.Equal(["jmiddleton"], await AccountsAsync(host, "E.M@RIVER"));       // email, middle
        Assert.Equal(["jmiddleton"], await AccountsAsync(host, "ne midd"));         // display name across the space
        Assert.Equal(["a_b.person"], await AccountsAsync(host, "a_b"));             // _ is not "any character"
        Assert.Equal(["a_b.person"], await AccountsAsync(host, "0% c"));            // % is not "anything"
        Assert.Equal(["a_b.person", "axb.person"], await AccountsAsync(host, ".PERSON"));
        Assert.Empty(await AccountsAsync(host, "%_%"));
        Assert.Equal(["quoter"], await AccountsAsync(host, "1234567893"));                 // the NPI exactly
        Assert.Equal(["quoter"], await AccountsAsync(host, "quoter", "1234567893"));       // found both ways, listed once
        Assert.Equal(["riverside-family"], await PracticesAsync(host, "family med"));
        Assert.Equal(["lakeview"], await PracticesAsync(host, "KEVI"));
        Assert.Equal(["riverside-family"], await PracticesAsync(host, "zzz 123456789", "123456789"));  // the TIN exactly
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task FollowsUpdatesAndDeletes(string provider)
    {
        var host = await StartAsync(provider);
        await ArrangeAsync(host);

        await host.DbAsync(async db =>
        {
            var jane = await db.Accounts.SingleAsync(a => a.Username == "jmiddleton");
            jane.DisplayName = "Jane Northcott";
            jane.Email = "jane.n@hillside.example";
            jane.NormalizedEmail = Account.Normalize(jane.Email);
            db.Accounts.Remove(await db.Accounts.SingleAsync(a => a.Username == "quoter"));
            (await db.Organizations.SingleAsync(o => o.Slug == "lakeview")).Name = "Hilltop Clinic";
            await db.SaveChangesAsync();
        });

        Assert.Empty(await AccountsAsync(host, "middleton j"));
        Assert.Empty(await AccountsAsync(host, "RIVERSIDE"));
        Assert.Equal(["jmiddleton"], await AccountsAsync(host, "northc"));
        Assert.Equal(["jmiddleton"], await AccountsAsync(host, "n@hillside"));
        Assert.Equal(["jmiddleton"], await AccountsAsync(host, "jmidd"));           // the unchanged username still found
        Assert.Empty(await AccountsAsync(host, "o'brien"));
        Assert.Empty(await PracticesAsync(host, "lakeview clinic"));
        Assert.Equal(["lakeview"], await PracticesAsync(host, "hilltop"));
        Assert.Equal(["lakeview"], await PracticesAsync(host, "lakev"));           // the slug did not change
        await host.DbAsync(async db =>
        {
            db.Accounts.Add(NewAccount("newcomer", "new@lake.example", "Nora Newcomer"));
            await db.SaveChangesAsync();
        });
        Assert.Equal(["newcomer"], await AccountsAsync(host, "ORA NEW"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task HostileText_IsOnlyText(string provider)
    {
        var host = await StartAsync(provider);
        await ArrangeAsync(host);

        Assert.Equal(["quoter"], await AccountsAsync(host, "\"the quote\""));
        Assert.Equal(["quoter"], await AccountsAsync(host, "O'BRI"));
        foreach (var text in new[] { "\"", "\"\"\"", "NEAR(jane middleton)", "jane*", "^jan", "DisplayName:jane", "jane AND middleton", "jane OR x",
            "NOT jane", "'; DROP TABLE \"Accounts\"; --", "\\\\\\", "{NormalizedUsername}:j", "\0\0\0", "(((", new string('"', 64), new string('x', 64) })
        {
            Assert.Empty(await AccountsAsync(host, text));
            Assert.Empty(await PracticesAsync(host, text));
        }

        Assert.Equal(4, await host.DbAsync(db => db.Accounts.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ShortText_MatchesWholeValuesOnly(string provider)
    {
        var host = await StartAsync(provider);
        await host.DbAsync(async db =>
        {
            db.Accounts.AddRange(NewAccount("ab", "ab@x.example", "Ab"), NewAccount("abc", "abc@x.example", "Abc"));
            db.Organizations.Add(new Organization { Slug = "ab", Name = "Ab Practice", CreatedAt = Now });
            await db.SaveChangesAsync();
        });

        Assert.False(SupportSearch.IsPartial("AB"));
        Assert.True(SupportSearch.IsPartial("ABC"));
        Assert.Equal(["ab"], await AccountsAsync(host, "Ab"));
        Assert.Empty(await AccountsAsync(host, "b"));
        Assert.Equal(["ab"], await PracticesAsync(host, "AB"));
        Assert.Equal(["abc"], await AccountsAsync(host, "abc"));
        Assert.Equal(["ab", "abc"], await AccountsAsync(host, "@X.EX"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AnswersThroughTheIndex_NotAScanOfEveryAccount(string provider)
    {
        var host = await StartAsync(provider);
        await ArrangeAsync(host);
        await FillAsync(host, 2_000);

        var accountPlan = await PlanAsync(host, db => db.MatchingAccounts("IDDLET", "iddlet").OrderBy(a => a.Username).Take(50));
        var practicePlan = await PlanAsync(host, db => db.MatchingOrganizations("FAMILY", "").OrderBy(o => o.Name).Take(50));

        if (provider == StoreHost.Sqlite)
        {
            Assert.True(accountPlan.Contains("AccountSearch VIRTUAL TABLE INDEX", StringComparison.Ordinal), accountPlan);
            Assert.False(accountPlan.Contains("SCAN Accounts", StringComparison.Ordinal), accountPlan);
            Assert.True(practicePlan.Contains("PracticeSearch VIRTUAL TABLE INDEX", StringComparison.Ordinal), practicePlan);
            Assert.False(practicePlan.Contains("SCAN Organizations", StringComparison.Ordinal), practicePlan);
        }
        else
        {
            Assert.True(accountPlan.Contains("IX_Accounts_NormalizedUsername_Trigram", StringComparison.Ordinal), accountPlan);
            Assert.True(accountPlan.Contains("IX_Accounts_NormalizedEmail_Trigram", StringComparison.Ordinal), accountPlan);
            Assert.True(accountPlan.Contains("IX_Accounts_DisplayName_Upper_Trigram", StringComparison.Ordinal), accountPlan);
            Assert.False(accountPlan.Contains("Seq Scan on \"Accounts\"", StringComparison.Ordinal), accountPlan);
        }

        Assert.Equal(["jmiddleton"], await AccountsAsync(host, "iddlet"));
    }

    [Fact]
    public void MatchExpression_ReadsOnlyTheRunsOfRareTrigrams()
    {
        // "COMMONTEXT" in 100 rows of 101, "RAREWORD" in one (1 %, under the 10 % line).
        var shares = TrigramShares.Count([.. Enumerable.Repeat<IReadOnlyList<string?>>(["commontext", null], 100), ["RAREWORD", null]]);
        Assert.Equal(101, shares.Rows);
        Assert.True(shares.Share("mon") > 0.9);
        Assert.Equal(1.0 / 101, shares.Share("ARE"), 6);

        Assert.Equal("\"RAREWORD\"", SupportSearch.MatchExpression("RAREWORD", shares));
        Assert.Equal("\"COMMONTEXT\"", SupportSearch.MatchExpression("COMMONTEXT", shares));      // nothing rarer: the whole text
        Assert.Equal("\"XTRAREWORD\"", SupportSearch.MatchExpression("TEXTRAREWORD", shares));    // TEX and EXT left out
        Assert.Equal("\"RAREX\" AND \"XTCO\" AND \"ONWOR\"", SupportSearch.MatchExpression("RAREXTCOMMONWOR", shares));
        Assert.Equal("\"A\"\"B\"\"C\"", SupportSearch.MatchExpression("A\"B\"C", shares));       // quotes stay text
        Assert.Equal("\"😀😀😀CO\"", SupportSearch.MatchExpression("😀😀😀COMMON", shares));        // characters, not UTF-16 units
        Assert.Equal("\"COMMONTEXT\"", SupportSearch.MatchExpression("COMMONTEXT", null));
        Assert.Equal("\"RAREX\"", SupportSearch.MatchExpression("RAREX", TrigramShares.Count([])));  // nothing sampled: every trigram common
        Assert.Equal("\"RAREX\"", SupportSearch.MatchExpression("RAREX", null));
    }

    [Fact]
    public async Task RareTrigramsOnly_FindTheSameAccountsAndPractices_ThroughTheIndex()
    {
        var host = await StartAsync(StoreHost.Sqlite);
        await ArrangeAsync(host);
        await FillAsync(host, 2_000);
        var accounts = await host.DbAsync(db => TrigramShares.SampleAsync(db, SearchTable.Accounts));
        var practices = await host.DbAsync(db => TrigramShares.SampleAsync(db, SearchTable.Practices));

        // Fewer rows than a sample: all of them, counted exactly. FILLER is in every filler, ER1 in more than half
        // (1, 10–19, 100–199, 1000–1999), R12 in 111 of 2,004 (5.5 %, under the line), 1234 in two.
        Assert.Equal(2_004, accounts.Rows);
        Assert.Equal(2, practices.Rows);
        Assert.True(accounts.Share("FIL") > 0.99);
        Assert.Equal(111.0 / 2_004, accounts.Share("R12"), 6);
        Assert.Equal("\"R1234\"", SupportSearch.MatchExpression("FILLER1234", accounts));
        Assert.Equal(["filler1234"], await AccountsAsync(host, "filler1234", shares: accounts));

        foreach (var text in new[] { "filler1234", "filler123", "r19", "ler 77", "iddlet", "E.M@RIVER", "ne midd", "fill.example", "quoter", ".PERSON", "a_b", "0% c", "\"the quote\"", "jane*" })
        {
            Assert.Equal(await AccountsAsync(host, text), await AccountsAsync(host, text, shares: accounts));
        }

        Assert.Equal(["filler1234", "quoter"], await AccountsAsync(host, "filler1234", "1234567893", accounts));  // the NPI beside the text
        foreach (var (text, digits) in new[] { ("family med", ""), ("KEVI", ""), ("zzz 123456789", "123456789"), ("ide-fam", "") })
        {
            Assert.Equal(await PracticesAsync(host, text, digits), await PracticesAsync(host, text, digits, practices));
        }

        var plan = await PlanAsync(host, db => db.MatchingAccounts("FILLER1234", "filler1234", accounts).OrderBy(a => a.Username).Take(50));
        Assert.True(plan.Contains("AccountSearch VIRTUAL TABLE INDEX", StringComparison.Ordinal), plan);
        Assert.False(plan.Contains("SCAN Accounts", StringComparison.Ordinal), plan);
    }

    [Fact]
    public async Task Frequencies_SampleInTheBackground_AndAgainWhenStale()
    {
        var host = await StartAsync(StoreHost.Sqlite);
        await ArrangeAsync(host);
        var clock = new FakeTimeProvider(Now);
        var frequencies = new SearchTermFrequencies(host.Scopes, clock, NullLogger<SearchTermFrequencies>.Instance);

        Assert.Null(frequencies.For(SearchTable.Accounts));               // the first search reads every trigram
        await frequencies.Sampled;
        Assert.Equal(4, frequencies.For(SearchTable.Accounts)!.Rows);
        Assert.Equal(2, frequencies.For(SearchTable.Practices)!.Rows);

        await host.DbAsync(async db =>
        {
            db.Accounts.Add(NewAccount("newcomer", "new@lake.example", "Nora Newcomer"));
            await db.SaveChangesAsync();
        });
        var sampled = frequencies.Sampled;
        Assert.Equal(4, frequencies.For(SearchTable.Accounts)!.Rows);      // fresh: no new sample
        Assert.Same(sampled, frequencies.Sampled);

        clock.Advance(SearchTermFrequencies.Lifetime);
        Assert.Equal(4, frequencies.For(SearchTable.Accounts)!.Rows);      // stale: still used while the next is taken
        await frequencies.Sampled;
        Assert.Equal(5, frequencies.For(SearchTable.Accounts)!.Rows);
    }

    [Fact]
    public async Task Frequencies_OnPostgreSql_SampleNothing()
    {
        var host = await StartAsync(StoreHost.PostgreSQL);
        var frequencies = new SearchTermFrequencies(host.Scopes, new FakeTimeProvider(Now), NullLogger<SearchTermFrequencies>.Instance);

        Assert.Null(frequencies.For(SearchTable.Accounts));
        await frequencies.Sampled;
        Assert.Null(frequencies.For(SearchTable.Accounts));               // pg_trgm serves the LIKE itself
        Assert.Null(frequencies.For(SearchTable.Practices));
    }

    /// <summary><paramref name="count"/> more accounts, copies of one with their own identifiers and a password hash of a real one's length, written in one statement; then fresh statistics.</summary>
    private static Task FillAsync(StoreHost host, int count) => host.DbAsync(async db =>
    {
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(3));
        if (host.Provider == StoreHost.Sqlite)
        {
            var columns = await db.Database.SqlQueryRaw<string>("SELECT name AS \"Value\" FROM pragma_table_info('Accounts')").ToListAsync();
            string Value(string column) => column switch
            {
                "Id" => "lower(hex(randomblob(16)))",
                "Username" => "'filler' || n",
                "NormalizedUsername" => "'FILLER' || n",
                "Email" => "'filler' || n || '@fill.example'",
                "NormalizedEmail" => "'FILLER' || n || '@FILL.EXAMPLE'",
                "DisplayName" => "'Filler Person ' || n",
                "Npi" => "NULL",
                "PasswordHash" => "'" + new string('h', 100) + "'",
                _ => "\"" + column + "\"",
            };
            var sql = $"""
                WITH RECURSIVE numbers(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers WHERE n < {count})
                INSERT INTO "Accounts" ({string.Join(", ", columns.Select(c => "\"" + c + "\""))})
                SELECT {string.Join(", ", columns.Select(Value))} FROM numbers, (SELECT * FROM "Accounts" WHERE "Username" = 'quoter')
                """;
            await db.Database.ExecuteSqlRawAsync(sql);
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
        }
        else
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Accounts"
                SELECT (jsonb_populate_record(NULL::"Accounts", to_jsonb(a) || jsonb_build_object(
                    'Id', gen_random_uuid(), 'Username', 'filler' || n, 'NormalizedUsername', 'FILLER' || n,
                    'Email', 'filler' || n || '@fill.example', 'NormalizedEmail', 'FILLER' || n || '@FILL.EXAMPLE',
                    'DisplayName', 'Filler Person ' || n, 'Npi', NULL, 'PasswordHash', repeat('h', 100)))).*
                FROM "Accounts" a, generate_series(1, {count}) AS n WHERE a."Username" = 'quoter'
                """);
            await db.Database.ExecuteSqlRawAsync("ANALYZE \"Accounts\"");
        }
    });
}

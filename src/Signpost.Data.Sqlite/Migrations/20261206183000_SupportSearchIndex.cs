using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <summary>
    /// The support console's partial search through an index (docs/support-console.md "How search works"): FTS5
    /// tables with the trigram tokenizer over the accounts' normalized username, normalized email and display name,
    /// and over the practices' name and slug. Both are external-content tables (they keep only the index, keyed by
    /// the row's rowid) kept current by triggers; a migration that rebuilds Accounts or Organizations must create
    /// the triggers again and rebuild the index (the search tests fail otherwise). No EF model change.
    /// </summary>
    public partial class SupportSearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "AccountSearch" USING fts5("NormalizedUsername", "NormalizedEmail", "DisplayName", content='Accounts', tokenize='trigram');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Accounts_AccountSearch_Insert" AFTER INSERT ON "Accounts" BEGIN
                    INSERT INTO "AccountSearch"(rowid, "NormalizedUsername", "NormalizedEmail", "DisplayName") VALUES (new.rowid, new."NormalizedUsername", new."NormalizedEmail", new."DisplayName");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Accounts_AccountSearch_Delete" AFTER DELETE ON "Accounts" BEGIN
                    INSERT INTO "AccountSearch"("AccountSearch", rowid, "NormalizedUsername", "NormalizedEmail", "DisplayName") VALUES ('delete', old.rowid, old."NormalizedUsername", old."NormalizedEmail", old."DisplayName");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Accounts_AccountSearch_Update" AFTER UPDATE OF "NormalizedUsername", "NormalizedEmail", "DisplayName" ON "Accounts" BEGIN
                    INSERT INTO "AccountSearch"("AccountSearch", rowid, "NormalizedUsername", "NormalizedEmail", "DisplayName") VALUES ('delete', old.rowid, old."NormalizedUsername", old."NormalizedEmail", old."DisplayName");
                    INSERT INTO "AccountSearch"(rowid, "NormalizedUsername", "NormalizedEmail", "DisplayName") VALUES (new.rowid, new."NormalizedUsername", new."NormalizedEmail", new."DisplayName");
                END;
                """);
            migrationBuilder.Sql("""INSERT INTO "AccountSearch"("AccountSearch") VALUES ('rebuild');""");

            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "PracticeSearch" USING fts5("Name", "Slug", content='Organizations', tokenize='trigram');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Organizations_PracticeSearch_Insert" AFTER INSERT ON "Organizations" BEGIN
                    INSERT INTO "PracticeSearch"(rowid, "Name", "Slug") VALUES (new.rowid, new."Name", new."Slug");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Organizations_PracticeSearch_Delete" AFTER DELETE ON "Organizations" BEGIN
                    INSERT INTO "PracticeSearch"("PracticeSearch", rowid, "Name", "Slug") VALUES ('delete', old.rowid, old."Name", old."Slug");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Organizations_PracticeSearch_Update" AFTER UPDATE OF "Name", "Slug" ON "Organizations" BEGIN
                    INSERT INTO "PracticeSearch"("PracticeSearch", rowid, "Name", "Slug") VALUES ('delete', old.rowid, old."Name", old."Slug");
                    INSERT INTO "PracticeSearch"(rowid, "Name", "Slug") VALUES (new.rowid, new."Name", new."Slug");
                END;
                """);
            migrationBuilder.Sql("""INSERT INTO "PracticeSearch"("PracticeSearch") VALUES ('rebuild');""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Organizations_PracticeSearch_Update";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Organizations_PracticeSearch_Delete";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Organizations_PracticeSearch_Insert";""");
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "PracticeSearch";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Accounts_AccountSearch_Update";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Accounts_AccountSearch_Delete";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Accounts_AccountSearch_Insert";""");
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "AccountSearch";""");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
{
    /// <summary>
    /// The support console's partial search through an index (docs/support-console.md "How search works"): pg_trgm
    /// GIN indexes on exactly the expressions the search's LIKE reads (normalized username, normalized email,
    /// upper(display name); upper(practice name), upper(slug)), so <c>LIKE '%…%'</c> is a bitmap index scan, not a
    /// scan of every account. Raw SQL: the indexes are not in the EF model, so no model change.
    /// </summary>
    public partial class SupportSearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
            migrationBuilder.Sql("""CREATE INDEX "IX_Accounts_NormalizedUsername_Trigram" ON "Accounts" USING gin ("NormalizedUsername" gin_trgm_ops);""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Accounts_NormalizedEmail_Trigram" ON "Accounts" USING gin ("NormalizedEmail" gin_trgm_ops);""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Accounts_DisplayName_Upper_Trigram" ON "Accounts" USING gin (upper("DisplayName") gin_trgm_ops);""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Organizations_Name_Upper_Trigram" ON "Organizations" USING gin (upper("Name") gin_trgm_ops);""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Organizations_Slug_Upper_Trigram" ON "Organizations" USING gin (upper("Slug") gin_trgm_ops);""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_Organizations_Slug_Upper_Trigram";""");
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_Organizations_Name_Upper_Trigram";""");
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_Accounts_DisplayName_Upper_Trigram";""");
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_Accounts_NormalizedEmail_Trigram";""");
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_Accounts_NormalizedUsername_Trigram";""");
            // The extension stays: dropping it could break anything else an operator built on it.
        }
    }
}

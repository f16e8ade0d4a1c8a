using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AnalyticsRankingIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsPracticeFailureTotals_Category_Method_WindowStart",
                table: "AnalyticsPracticeFailureTotals",
                columns: new[] { "Category", "Method", "WindowStart" });

            // Round one of the ranking for a range starting on or after the window start: each kind's series by their
            // failures since that start, most first, so the top twenty are the index's first twenty (docs/analytics.md,
            // "What a counted view reads"). Not in the EF model: EF Core has no expression indexes. The expression is
            // the one AnalyticsReader orders by, as EF Core writes it; both databases match an index on it.
            migrationBuilder.Sql("""
                CREATE INDEX "IX_AnalyticsPracticeFailureTotals_SinceWindow" ON "AnalyticsPracticeFailureTotals" ("Category", "Method", ("Failures" - "BeforeWindow") DESC, "OrganizationId");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_AnalyticsPracticeFailureTotals_SinceWindow";""");

            migrationBuilder.DropIndex(
                name: "IX_AnalyticsPracticeFailureTotals_Category_Method_WindowStart",
                table: "AnalyticsPracticeFailureTotals");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AnalyticsRankingIndexesEveryRange : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsPracticeFailureTotals_BeforeWindow",
                table: "AnalyticsPracticeFailureTotals",
                columns: new[] { "Category", "Method", "BeforeWindow", "OrganizationId" },
                descending: new[] { false, false, true, false });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsPracticeFailureTotals_Failures",
                table: "AnalyticsPracticeFailureTotals",
                columns: new[] { "Category", "Method", "Failures", "OrganizationId" },
                descending: new[] { false, false, true, false });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AnalyticsPracticeFailureTotals_BeforeWindow",
                table: "AnalyticsPracticeFailureTotals");

            migrationBuilder.DropIndex(
                name: "IX_AnalyticsPracticeFailureTotals_Failures",
                table: "AnalyticsPracticeFailureTotals");
        }
    }
}

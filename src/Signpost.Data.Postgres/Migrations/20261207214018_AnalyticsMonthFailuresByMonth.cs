using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AnalyticsMonthFailuresByMonth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsPracticeMonthFailures_Category_Method_Month_Failur~",
                table: "AnalyticsPracticeMonthFailures",
                columns: new[] { "Category", "Method", "Month", "Failures" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AnalyticsPracticeMonthFailures_Category_Method_Month_Failur~",
                table: "AnalyticsPracticeMonthFailures");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
{
    /// <summary>
    /// The running totals behind "the practices with the most failures" keyed kind first, so a ranking's look-ups,
    /// made in practice order, walk one kind's part of the key; and a series for each category by each method, so
    /// that filter ranks from them too (docs/analytics.md, "The practices with the most failures"). Their rows go
    /// with the ranking watermark, and the job's next run builds them again from the daily rows.
    /// </summary>
    public partial class AnalyticsRanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => Rekey(migrationBuilder, ["Category", "Method", "OrganizationId", "Day"]);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => Rekey(migrationBuilder, ["OrganizationId", "Category", "Method", "Day"]);

        private static void Rekey(MigrationBuilder migrationBuilder, string[] key)
        {
            migrationBuilder.Sql("DELETE FROM \"AnalyticsWatermarks\" WHERE \"Name\" = 'ranking';");
            migrationBuilder.Sql("TRUNCATE \"AnalyticsPracticeRunningFailures\", \"AnalyticsPracticeFailureTotals\";");
            migrationBuilder.DropPrimaryKey(
                name: "PK_AnalyticsPracticeRunningFailures",
                table: "AnalyticsPracticeRunningFailures");

            migrationBuilder.AddPrimaryKey(
                name: "PK_AnalyticsPracticeRunningFailures",
                table: "AnalyticsPracticeRunningFailures",
                columns: key);
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <summary>
    /// The running totals behind "the practices with the most failures" keyed kind first and stored without a
    /// rowid, so one kind's rows lie together in practice order and a ranking over any range walks them once; and
    /// a series for each category by each method, so that filter ranks from them too (docs/analytics.md, "The
    /// practices with the most failures"). EF cannot say WITHOUT ROWID, so both tables are made again here by
    /// hand, empty: the ranking watermark goes with their rows, and the job's next run builds them again from the
    /// daily rows (until then the ranking is summed from the daily rows, as before the running totals).
    /// </summary>
    public partial class AnalyticsRanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => Recreate(migrationBuilder, "\"Category\", \"Method\", \"OrganizationId\", \"Day\"", " WITHOUT ROWID");

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => Recreate(migrationBuilder, "\"OrganizationId\", \"Category\", \"Method\", \"Day\"", "");

        private static void Recreate(MigrationBuilder migrationBuilder, string runningKey, string options)
        {
            migrationBuilder.Sql("DELETE FROM \"AnalyticsWatermarks\" WHERE \"Name\" = 'ranking';");
            migrationBuilder.DropTable(name: "AnalyticsPracticeRunningFailures");
            migrationBuilder.DropTable(name: "AnalyticsPracticeFailureTotals");
            migrationBuilder.Sql($"""
                CREATE TABLE "AnalyticsPracticeRunningFailures" (
                    "OrganizationId" TEXT NOT NULL,
                    "Category" TEXT NOT NULL,
                    "Method" TEXT NOT NULL,
                    "Day" TEXT NOT NULL,
                    "Failures" INTEGER NOT NULL,
                    CONSTRAINT "PK_AnalyticsPracticeRunningFailures" PRIMARY KEY ({runningKey})
                ){options};
                """);
            migrationBuilder.Sql($"""
                CREATE TABLE "AnalyticsPracticeFailureTotals" (
                    "OrganizationId" TEXT NOT NULL,
                    "Category" TEXT NOT NULL,
                    "Method" TEXT NOT NULL,
                    "FirstDay" TEXT NOT NULL,
                    "LastDay" TEXT NOT NULL,
                    "Failures" INTEGER NOT NULL,
                    "WindowStart" TEXT NOT NULL,
                    "BeforeWindow" INTEGER NOT NULL,
                    CONSTRAINT "PK_AnalyticsPracticeFailureTotals" PRIMARY KEY ("Category", "Method", "OrganizationId")
                ){options};
                """);
            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsPracticeFailureTotals_OrganizationId",
                table: "AnalyticsPracticeFailureTotals",
                column: "OrganizationId");
        }
    }
}

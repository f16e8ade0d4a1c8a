using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <summary>
    /// Each practice's failures per calendar month, for each kind of running total: the ranking's bounds for a range
    /// that starts before the default range (docs/analytics.md, "The practices with the most failures"). Filled here
    /// from the running totals (a month's failures are its last running total less the last one before it); when
    /// those are not in step with the daily rows, the job's next run builds all three tables again anyway.
    /// </summary>
    public partial class AnalyticsMonths : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Stored without a rowid, as the running totals are: a practice's months lie together, read by one seek.
            migrationBuilder.Sql("""
                CREATE TABLE "AnalyticsPracticeMonthFailures" (
                    "OrganizationId" TEXT NOT NULL,
                    "Category" TEXT NOT NULL,
                    "Method" TEXT NOT NULL,
                    "Month" TEXT NOT NULL,
                    "Failures" INTEGER NOT NULL,
                    CONSTRAINT "PK_AnalyticsPracticeMonthFailures" PRIMARY KEY ("Category", "Method", "OrganizationId", "Month")
                ) WITHOUT ROWID;
                """);
            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsPracticeMonthFailures" ("Category", "Method", "Month", "OrganizationId", "Failures")
                SELECT "Category", "Method", "Month", "OrganizationId", "Total" - COALESCE(LAG("Total") OVER (PARTITION BY "Category", "Method", "OrganizationId" ORDER BY "Month"), 0)
                FROM (
                    SELECT "Category", "Method", "OrganizationId", substr("Day", 1, 8) || '01' AS "Month", MAX("Failures") AS "Total"
                    FROM "AnalyticsPracticeRunningFailures"
                    GROUP BY "Category", "Method", "OrganizationId", substr("Day", 1, 8) || '01'
                ) AS m;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AnalyticsPracticeMonthFailures");
        }
    }
}

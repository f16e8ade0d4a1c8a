using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
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
            migrationBuilder.CreateTable(
                name: "AnalyticsPracticeMonthFailures",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Category = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    Failures = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsPracticeMonthFailures", x => new { x.Category, x.Method, x.OrganizationId, x.Month });
                });
            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsPracticeMonthFailures" ("Category", "Method", "Month", "OrganizationId", "Failures")
                SELECT "Category", "Method", "Month", "OrganizationId", "Total" - COALESCE(LAG("Total") OVER (PARTITION BY "Category", "Method", "OrganizationId" ORDER BY "Month"), 0)
                FROM (
                    SELECT "Category", "Method", "OrganizationId", CAST(date_trunc('month', "Day") AS date) AS "Month", MAX("Failures") AS "Total"
                    FROM "AnalyticsPracticeRunningFailures"
                    GROUP BY "Category", "Method", "OrganizationId", CAST(date_trunc('month', "Day") AS date)
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

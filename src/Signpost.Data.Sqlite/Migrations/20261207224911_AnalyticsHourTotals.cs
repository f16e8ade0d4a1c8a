using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <summary>
    /// The heat map's rows of all practices summed over category and method, per local day and hour and per local month,
    /// weekday and hour: a view without a category or method filter reads these instead of summing the roll-up rows
    /// (docs/analytics.md, "Heat maps already summed"). Filled here from the rows already kept, so an upgraded database
    /// needs no recount; the job adds each new slice to both in one transaction.
    /// </summary>
    public partial class AnalyticsHourTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AnalyticsHourTotals",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Hour = table.Column<int>(type: "INTEGER", nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsHourTotals", x => new { x.Day, x.Hour });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsMonthHourTotals",
                columns: table => new
                {
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Weekday = table.Column<int>(type: "INTEGER", nullable: false),
                    Hour = table.Column<int>(type: "INTEGER", nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsMonthHourTotals", x => new { x.Month, x.Weekday, x.Hour });
                });

            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsHourTotals" ("Day", "Hour", "Failures")
                SELECT "Day", "Hour", SUM("Failures")
                FROM "AnalyticsHourCounts"
                WHERE "OrganizationId" = 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'
                GROUP BY "Day", "Hour";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsMonthHourTotals" ("Month", "Weekday", "Hour", "Failures")
                SELECT "Month", "Weekday", "Hour", SUM("Failures")
                FROM "AnalyticsMonthHours"
                GROUP BY "Month", "Weekday", "Hour";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AnalyticsHourTotals");

            migrationBuilder.DropTable(
                name: "AnalyticsMonthHourTotals");
        }
    }
}

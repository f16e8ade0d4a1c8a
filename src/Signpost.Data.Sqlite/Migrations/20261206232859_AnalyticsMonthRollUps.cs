using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <summary>
    /// The month roll-ups of all practices (docs/analytics.md, "Long ranges"): the all-practices daily rows summed per
    /// calendar month, the heat map's by weekday too. Filled here from the daily rows already kept, so a long range
    /// reads the same numbers right after the upgrade; the job adds each new slice to both in one transaction.
    /// </summary>
    public partial class AnalyticsMonthRollUps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AnalyticsMonthHours",
                columns: table => new
                {
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Weekday = table.Column<int>(type: "INTEGER", nullable: false),
                    Hour = table.Column<int>(type: "INTEGER", nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsMonthHours", x => new { x.Month, x.Weekday, x.Hour, x.Category, x.Method });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsMonthNetworks",
                columns: table => new
                {
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Network = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsMonthNetworks", x => new { x.Month, x.Network, x.Category, x.Method });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsMonthOutcomes",
                columns: table => new
                {
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ReasonCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsMonthOutcomes", x => new { x.Month, x.ReasonCode, x.Method });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsMonthStories",
                columns: table => new
                {
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Ending = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Way = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Stories = table.Column<int>(type: "INTEGER", nullable: false),
                    SecondsToRecover = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsMonthStories", x => new { x.Month, x.Category, x.Method, x.Ending, x.Way });
                });

            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsMonthOutcomes" ("Month", "ReasonCode", "Method", "Count")
                SELECT substr("Day", 1, 8) || '01', "ReasonCode", "Method", SUM("Count")
                FROM "AnalyticsOutcomeCounts" WHERE "OrganizationId" = 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'
                GROUP BY substr("Day", 1, 8) || '01', "ReasonCode", "Method";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsMonthHours" ("Month", "Weekday", "Hour", "Category", "Method", "Failures")
                SELECT substr("Day", 1, 8) || '01', (CAST(strftime('%w', "Day") AS INTEGER) + 6) % 7, "Hour", "Category", "Method", SUM("Failures")
                FROM "AnalyticsHourCounts" WHERE "OrganizationId" = 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'
                GROUP BY substr("Day", 1, 8) || '01', (CAST(strftime('%w', "Day") AS INTEGER) + 6) % 7, "Hour", "Category", "Method";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsMonthNetworks" ("Month", "Network", "Category", "Method", "Failures")
                SELECT substr("Day", 1, 8) || '01', "Network", "Category", "Method", SUM("Failures")
                FROM "AnalyticsNetworkCounts" WHERE "OrganizationId" = 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'
                GROUP BY substr("Day", 1, 8) || '01', "Network", "Category", "Method";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsMonthStories" ("Month", "Category", "Method", "Ending", "Way", "Stories", "SecondsToRecover")
                SELECT substr("Day", 1, 8) || '01', "Category", "Method", "Ending", "Way", SUM("Stories"), SUM("SecondsToRecover")
                FROM "AnalyticsStoryCounts" WHERE "OrganizationId" = 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'
                GROUP BY substr("Day", 1, 8) || '01', "Category", "Method", "Ending", "Way";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AnalyticsMonthHours");

            migrationBuilder.DropTable(
                name: "AnalyticsMonthNetworks");

            migrationBuilder.DropTable(
                name: "AnalyticsMonthOutcomes");

            migrationBuilder.DropTable(
                name: "AnalyticsMonthStories");
        }
    }
}

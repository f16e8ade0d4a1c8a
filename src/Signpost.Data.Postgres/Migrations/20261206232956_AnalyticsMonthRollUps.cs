using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
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
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    Weekday = table.Column<int>(type: "integer", nullable: false),
                    Hour = table.Column<int>(type: "integer", nullable: false),
                    Category = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Failures = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsMonthHours", x => new { x.Month, x.Weekday, x.Hour, x.Category, x.Method });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsMonthNetworks",
                columns: table => new
                {
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    Network = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Category = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Failures = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsMonthNetworks", x => new { x.Month, x.Network, x.Category, x.Method });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsMonthOutcomes",
                columns: table => new
                {
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    ReasonCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsMonthOutcomes", x => new { x.Month, x.ReasonCode, x.Method });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsMonthStories",
                columns: table => new
                {
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    Category = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Ending = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Way = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Stories = table.Column<int>(type: "integer", nullable: false),
                    SecondsToRecover = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsMonthStories", x => new { x.Month, x.Category, x.Method, x.Ending, x.Way });
                });

            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsMonthOutcomes" ("Month", "ReasonCode", "Method", "Count")
                SELECT CAST(date_trunc('month', "Day") AS date), "ReasonCode", "Method", SUM("Count")
                FROM "AnalyticsOutcomeCounts" WHERE "OrganizationId" = 'ffffffff-ffff-ffff-ffff-ffffffffffff'
                GROUP BY CAST(date_trunc('month', "Day") AS date), "ReasonCode", "Method";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsMonthHours" ("Month", "Weekday", "Hour", "Category", "Method", "Failures")
                SELECT CAST(date_trunc('month', "Day") AS date), CAST(EXTRACT(ISODOW FROM "Day") AS integer) - 1, "Hour", "Category", "Method", SUM("Failures")
                FROM "AnalyticsHourCounts" WHERE "OrganizationId" = 'ffffffff-ffff-ffff-ffff-ffffffffffff'
                GROUP BY CAST(date_trunc('month', "Day") AS date), CAST(EXTRACT(ISODOW FROM "Day") AS integer) - 1, "Hour", "Category", "Method";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsMonthNetworks" ("Month", "Network", "Category", "Method", "Failures")
                SELECT CAST(date_trunc('month', "Day") AS date), "Network", "Category", "Method", SUM("Failures")
                FROM "AnalyticsNetworkCounts" WHERE "OrganizationId" = 'ffffffff-ffff-ffff-ffff-ffffffffffff'
                GROUP BY CAST(date_trunc('month', "Day") AS date), "Network", "Category", "Method";
                """);
            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsMonthStories" ("Month", "Category", "Method", "Ending", "Way", "Stories", "SecondsToRecover")
                SELECT CAST(date_trunc('month', "Day") AS date), "Category", "Method", "Ending", "Way", SUM("Stories"), SUM("SecondsToRecover")
                FROM "AnalyticsStoryCounts" WHERE "OrganizationId" = 'ffffffff-ffff-ffff-ffff-ffffffffffff'
                GROUP BY CAST(date_trunc('month', "Day") AS date), "Category", "Method", "Ending", "Way";
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

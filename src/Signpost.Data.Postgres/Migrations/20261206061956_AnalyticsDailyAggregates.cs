using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AnalyticsDailyAggregates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AnalyticsHourCounts",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Hour = table.Column<int>(type: "integer", nullable: false),
                    Category = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Failures = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsHourCounts", x => new { x.Day, x.OrganizationId, x.Hour, x.Category, x.Method });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsNetworkCounts",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Network = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Category = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Failures = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsNetworkCounts", x => new { x.Day, x.OrganizationId, x.Network, x.Category, x.Method });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsOutcomeCounts",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ReasonCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsOutcomeCounts", x => new { x.Day, x.OrganizationId, x.ReasonCode, x.Method });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsStoryCounts",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Category = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Ending = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Way = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Stories = table.Column<int>(type: "integer", nullable: false),
                    SecondsToRecover = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsStoryCounts", x => new { x.Day, x.OrganizationId, x.Category, x.Method, x.Ending, x.Way });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsWatermarks",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Position = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsWatermarks", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsHourCounts_OrganizationId_Day",
                table: "AnalyticsHourCounts",
                columns: new[] { "OrganizationId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsNetworkCounts_OrganizationId_Day",
                table: "AnalyticsNetworkCounts",
                columns: new[] { "OrganizationId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsOutcomeCounts_OrganizationId_Day",
                table: "AnalyticsOutcomeCounts",
                columns: new[] { "OrganizationId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsStoryCounts_OrganizationId_Day",
                table: "AnalyticsStoryCounts",
                columns: new[] { "OrganizationId", "Day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AnalyticsHourCounts");

            migrationBuilder.DropTable(
                name: "AnalyticsNetworkCounts");

            migrationBuilder.DropTable(
                name: "AnalyticsOutcomeCounts");

            migrationBuilder.DropTable(
                name: "AnalyticsStoryCounts");

            migrationBuilder.DropTable(
                name: "AnalyticsWatermarks");
        }
    }
}

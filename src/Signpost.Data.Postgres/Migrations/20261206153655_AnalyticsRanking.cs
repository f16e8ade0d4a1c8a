using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AnalyticsRanking : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AnalyticsPracticeFailureTotals",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Category = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    FirstDay = table.Column<DateOnly>(type: "date", nullable: false),
                    LastDay = table.Column<DateOnly>(type: "date", nullable: false),
                    Failures = table.Column<long>(type: "bigint", nullable: false),
                    WindowStart = table.Column<DateOnly>(type: "date", nullable: false),
                    BeforeWindow = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsPracticeFailureTotals", x => new { x.Category, x.Method, x.OrganizationId });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsPracticeRunningFailures",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Category = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Failures = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsPracticeRunningFailures", x => new { x.OrganizationId, x.Category, x.Method, x.Day });
                });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsPracticeFailureTotals_OrganizationId",
                table: "AnalyticsPracticeFailureTotals",
                column: "OrganizationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AnalyticsPracticeFailureTotals");

            migrationBuilder.DropTable(
                name: "AnalyticsPracticeRunningFailures");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
{
    /// <summary>
    /// Each practice's successful sign-ins per calendar month and method: the sign-ins of the top practices over a long
    /// range read its whole months here instead of a year of the practices' daily rows (docs/analytics.md, "Long
    /// ranges"). Filled here from the daily rows already kept, so an upgraded database needs no recount; the job adds
    /// each new slice to both in one transaction.
    /// </summary>
    public partial class AnalyticsPracticeSignInMonths : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AnalyticsPracticeMonthSignIns",
                columns: table => new
                {
                    OrganizationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    Method = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    SignIns = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsPracticeMonthSignIns", x => new { x.OrganizationId, x.Month, x.Method });
                });

            // The success codes and attempt methods as they are at this migration (ReasonCatalogue, FailureStoryTeller.IsAttempt).
            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsPracticeMonthSignIns" ("OrganizationId", "Month", "Method", "SignIns")
                SELECT "OrganizationId", CAST(date_trunc('month', "Day") AS date), "Method", SUM("Count")
                FROM "AnalyticsOutcomeCounts"
                WHERE "OrganizationId" <> 'ffffffff-ffff-ffff-ffff-ffffffffffff'
                    AND "ReasonCode" IN ('signed_in', 'signed_in_browser_warning', 'account_activated', 'reset_requested', 'password_reset', 'unlock_requested', 'account_unlocked')
                    AND "Method" IN ('Password', 'Api', 'ChangePassword', 'Sso')
                GROUP BY "OrganizationId", CAST(date_trunc('month', "Day") AS date), "Method";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AnalyticsPracticeMonthSignIns");
        }
    }
}

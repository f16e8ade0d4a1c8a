using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
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
            // Stored without a rowid, as the practices' month failures are: a practice's months lie together, read by one seek.
            migrationBuilder.Sql("""
                CREATE TABLE "AnalyticsPracticeMonthSignIns" (
                    "OrganizationId" TEXT NOT NULL,
                    "Month" TEXT NOT NULL,
                    "Method" TEXT NOT NULL,
                    "SignIns" INTEGER NOT NULL,
                    CONSTRAINT "PK_AnalyticsPracticeMonthSignIns" PRIMARY KEY ("OrganizationId", "Month", "Method")
                ) WITHOUT ROWID;
                """);
            // The success codes and attempt methods as they are at this migration (ReasonCatalogue, FailureStoryTeller.IsAttempt).
            migrationBuilder.Sql("""
                INSERT INTO "AnalyticsPracticeMonthSignIns" ("OrganizationId", "Month", "Method", "SignIns")
                SELECT "OrganizationId", substr("Day", 1, 8) || '01', "Method", SUM("Count")
                FROM "AnalyticsOutcomeCounts"
                WHERE "OrganizationId" <> 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'
                    AND "ReasonCode" IN ('signed_in', 'signed_in_browser_warning', 'account_activated', 'reset_requested', 'password_reset', 'unlock_requested', 'account_unlocked')
                    AND "Method" IN ('Password', 'Api', 'ChangePassword', 'Sso')
                GROUP BY "OrganizationId", substr("Day", 1, 8) || '01', "Method";
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

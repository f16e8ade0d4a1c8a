using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AnalyticsCoveringIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AnalyticsStoryCounts_OrganizationId_Day",
                table: "AnalyticsStoryCounts");

            migrationBuilder.DropIndex(
                name: "IX_AnalyticsOutcomeCounts_OrganizationId_Day",
                table: "AnalyticsOutcomeCounts");

            migrationBuilder.DropIndex(
                name: "IX_AnalyticsNetworkCounts_OrganizationId_Day",
                table: "AnalyticsNetworkCounts");

            migrationBuilder.DropIndex(
                name: "IX_AnalyticsHourCounts_OrganizationId_Day",
                table: "AnalyticsHourCounts");

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsStoryCounts_OrganizationId_Day_Category_Method_Ending_Way_Stories_SecondsToRecover",
                table: "AnalyticsStoryCounts",
                columns: new[] { "OrganizationId", "Day", "Category", "Method", "Ending", "Way", "Stories", "SecondsToRecover" });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsOutcomeCounts_OrganizationId_Day_ReasonCode_Method_Count",
                table: "AnalyticsOutcomeCounts",
                columns: new[] { "OrganizationId", "Day", "ReasonCode", "Method", "Count" });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsNetworkCounts_OrganizationId_Day_Network_Category_Method_Failures",
                table: "AnalyticsNetworkCounts",
                columns: new[] { "OrganizationId", "Day", "Network", "Category", "Method", "Failures" });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsHourCounts_OrganizationId_Day_Hour_Category_Method_Failures",
                table: "AnalyticsHourCounts",
                columns: new[] { "OrganizationId", "Day", "Hour", "Category", "Method", "Failures" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AnalyticsStoryCounts_OrganizationId_Day_Category_Method_Ending_Way_Stories_SecondsToRecover",
                table: "AnalyticsStoryCounts");

            migrationBuilder.DropIndex(
                name: "IX_AnalyticsOutcomeCounts_OrganizationId_Day_ReasonCode_Method_Count",
                table: "AnalyticsOutcomeCounts");

            migrationBuilder.DropIndex(
                name: "IX_AnalyticsNetworkCounts_OrganizationId_Day_Network_Category_Method_Failures",
                table: "AnalyticsNetworkCounts");

            migrationBuilder.DropIndex(
                name: "IX_AnalyticsHourCounts_OrganizationId_Day_Hour_Category_Method_Failures",
                table: "AnalyticsHourCounts");

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsStoryCounts_OrganizationId_Day",
                table: "AnalyticsStoryCounts",
                columns: new[] { "OrganizationId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsOutcomeCounts_OrganizationId_Day",
                table: "AnalyticsOutcomeCounts",
                columns: new[] { "OrganizationId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsNetworkCounts_OrganizationId_Day",
                table: "AnalyticsNetworkCounts",
                columns: new[] { "OrganizationId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsHourCounts_OrganizationId_Day",
                table: "AnalyticsHourCounts",
                columns: new[] { "OrganizationId", "Day" });
        }
    }
}

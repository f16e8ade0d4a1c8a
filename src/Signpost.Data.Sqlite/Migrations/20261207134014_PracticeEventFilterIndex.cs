using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PracticeEventFilterIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SignInEvents_OrganizationId_OccurredAt",
                table: "SignInEvents");

            migrationBuilder.CreateIndex(
                name: "IX_SignInEvents_OrganizationId_OccurredAt_Succeeded_ReasonCode",
                table: "SignInEvents",
                columns: new[] { "OrganizationId", "OccurredAt", "Succeeded", "ReasonCode" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SignInEvents_OrganizationId_OccurredAt_Succeeded_ReasonCode",
                table: "SignInEvents");

            migrationBuilder.CreateIndex(
                name: "IX_SignInEvents_OrganizationId_OccurredAt",
                table: "SignInEvents",
                columns: new[] { "OrganizationId", "OccurredAt" });
        }
    }
}

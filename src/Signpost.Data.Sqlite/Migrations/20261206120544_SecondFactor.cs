using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SecondFactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing practices start at the policy defaults (docs/mfa.md): optional, 14 days of grace, 30 days remembered.
            migrationBuilder.AddColumn<int>(
                name: "Policy_RememberBrowserDays",
                table: "Organizations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 30);

            migrationBuilder.AddColumn<string>(
                name: "Policy_SecondFactor",
                table: "Organizations",
                type: "TEXT",
                maxLength: 24,
                nullable: false,
                defaultValue: "Optional");

            migrationBuilder.AddColumn<int>(
                name: "Policy_SecondFactorGraceDays",
                table: "Organizations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 14);

            migrationBuilder.CreateTable(
                name: "RecoveryCodes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UsedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecoveryCodes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SecondFactorStates",
                columns: table => new
                {
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FailureCount = table.Column<int>(type: "INTEGER", nullable: false),
                    WindowStartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    LastFailureAt = table.Column<long>(type: "INTEGER", nullable: true),
                    GraceStartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResetAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EnrolmentRequired = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SecondFactorStates", x => x.AccountId);
                });

            migrationBuilder.CreateTable(
                name: "TotpAuthenticators",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    ProtectedSecret = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastUsedStep = table.Column<long>(type: "INTEGER", nullable: false),
                    LastUsedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    MeasuredSkewSteps = table.Column<int>(type: "INTEGER", nullable: true),
                    SkewMeasuredAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TotpAuthenticators", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RecoveryCodes_AccountId_Hash",
                table: "RecoveryCodes",
                columns: new[] { "AccountId", "Hash" });

            migrationBuilder.CreateIndex(
                name: "IX_TotpAuthenticators_AccountId",
                table: "TotpAuthenticators",
                column: "AccountId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RecoveryCodes");

            migrationBuilder.DropTable(
                name: "SecondFactorStates");

            migrationBuilder.DropTable(
                name: "TotpAuthenticators");

            migrationBuilder.DropColumn(
                name: "Policy_RememberBrowserDays",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "Policy_SecondFactor",
                table: "Organizations");

            migrationBuilder.DropColumn(
                name: "Policy_SecondFactorGraceDays",
                table: "Organizations");
        }
    }
}

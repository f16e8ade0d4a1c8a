using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class BackChannelLogout : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "IncidentId",
                table: "WebhookDeliveries",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<string>(
                name: "ClientId",
                table: "WebhookDeliveries",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Target",
                table: "WebhookDeliveries",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "OpenIdSessionClients",
                columns: table => new
                {
                    SessionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirstTokensAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LogoutQueuedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIdSessionClients", x => new { x.SessionId, x.ClientId });
                    table.ForeignKey(
                        name: "FK_OpenIdSessionClients_Sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "Sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_ClientId",
                table: "WebhookDeliveries",
                column: "ClientId");

            migrationBuilder.CreateIndex(
                name: "IX_OpenIdSessionClients_AccountId_LogoutQueuedAt",
                table: "OpenIdSessionClients",
                columns: new[] { "AccountId", "LogoutQueuedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OpenIdSessionClients");

            migrationBuilder.DropIndex(
                name: "IX_WebhookDeliveries_ClientId",
                table: "WebhookDeliveries");

            migrationBuilder.DropColumn(
                name: "ClientId",
                table: "WebhookDeliveries");

            migrationBuilder.DropColumn(
                name: "Target",
                table: "WebhookDeliveries");

            migrationBuilder.AlterColumn<Guid>(
                name: "IncidentId",
                table: "WebhookDeliveries",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}

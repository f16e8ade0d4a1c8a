using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
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
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<string>(
                name: "ClientId",
                table: "WebhookDeliveries",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Target",
                table: "WebhookDeliveries",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "OpenIdSessionClients",
                columns: table => new
                {
                    SessionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    FirstTokensAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LogoutQueuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}

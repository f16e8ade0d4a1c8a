using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SamlConnections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Every connection before this migration is an OpenID Connect one.
            migrationBuilder.AddColumn<string>(
                name: "Protocol",
                table: "SsoConnections",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "OpenIdConnect");

            migrationBuilder.CreateTable(
                name: "SamlAssertionUses",
                columns: table => new
                {
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AssertionId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SamlAssertionUses", x => new { x.ConnectionId, x.AssertionId });
                    table.ForeignKey(
                        name: "FK_SamlAssertionUses_SsoConnections_ConnectionId",
                        column: x => x.ConnectionId,
                        principalTable: "SsoConnections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SamlConnectionSettings",
                columns: table => new
                {
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IdpEntityId = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    SsoUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    SigningCertificates = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    MetadataUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    AllowSha1 = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SamlConnectionSettings", x => x.ConnectionId);
                    table.ForeignKey(
                        name: "FK_SamlConnectionSettings_SsoConnections_ConnectionId",
                        column: x => x.ConnectionId,
                        principalTable: "SsoConnections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SamlAssertionUses_ExpiresAt",
                table: "SamlAssertionUses",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SamlAssertionUses");

            migrationBuilder.DropTable(
                name: "SamlConnectionSettings");

            migrationBuilder.DropColumn(
                name: "Protocol",
                table: "SsoConnections");
        }
    }
}

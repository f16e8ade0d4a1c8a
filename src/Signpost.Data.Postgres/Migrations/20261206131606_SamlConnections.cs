using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
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
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "OpenIdConnect");

            migrationBuilder.CreateTable(
                name: "SamlAssertionUses",
                columns: table => new
                {
                    ConnectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    AssertionId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    ConnectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    IdpEntityId = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    SsoUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    SigningCertificates = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    MetadataUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    AllowSha1 = table.Column<bool>(type: "boolean", nullable: false)
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

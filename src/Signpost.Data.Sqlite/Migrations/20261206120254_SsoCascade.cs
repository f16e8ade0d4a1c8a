using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SsoCascade : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "UseUserInfo",
                table: "SsoConnections",
                type: "INTEGER",
                nullable: false,
                // Connections made before the setting existed read userinfo too: the standard behaviour (docs/sso.md).
                defaultValue: true);

            // Links and health records of connections removed before these foreign keys existed: nothing refers to
            // them any more, and a foreign key cannot be added while they remain.
            migrationBuilder.Sql("DELETE FROM \"SsoLinks\" WHERE \"ConnectionId\" NOT IN (SELECT \"Id\" FROM \"SsoConnections\");");
            migrationBuilder.Sql("DELETE FROM \"SsoHealthRecords\" WHERE \"ConnectionId\" NOT IN (SELECT \"Id\" FROM \"SsoConnections\");");

            migrationBuilder.AddForeignKey(
                name: "FK_SsoHealthRecords_SsoConnections_ConnectionId",
                table: "SsoHealthRecords",
                column: "ConnectionId",
                principalTable: "SsoConnections",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_SsoLinks_SsoConnections_ConnectionId",
                table: "SsoLinks",
                column: "ConnectionId",
                principalTable: "SsoConnections",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_SsoHealthRecords_SsoConnections_ConnectionId",
                table: "SsoHealthRecords");

            migrationBuilder.DropForeignKey(
                name: "FK_SsoLinks_SsoConnections_ConnectionId",
                table: "SsoLinks");

            migrationBuilder.DropColumn(
                name: "UseUserInfo",
                table: "SsoConnections");
        }
    }
}

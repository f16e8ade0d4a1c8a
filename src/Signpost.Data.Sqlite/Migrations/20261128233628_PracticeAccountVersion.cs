using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PracticeAccountVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "Accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Version",
                table: "Accounts");
        }
    }
}

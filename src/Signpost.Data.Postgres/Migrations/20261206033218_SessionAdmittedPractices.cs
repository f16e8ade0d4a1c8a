using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Signpost.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SessionAdmittedPractices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<Guid>>(
                name: "AdmittedFor",
                table: "Sessions",
                type: "uuid[]",
                nullable: false,
                // Sessions from before the upgrade were admitted for no practice: their holders sign in again.
                defaultValueSql: "'{}'::uuid[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AdmittedFor",
                table: "Sessions");
        }
    }
}

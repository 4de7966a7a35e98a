using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowdesk.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ProcessVersionRevision : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "revision",
                table: "process_versions",
                type: "integer",
                nullable: false,
                defaultValue: 1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "revision",
                table: "process_versions");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowdesk.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TicketsByProcess : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_tickets_process_key_created_at",
                table: "tickets",
                columns: new[] { "process_key", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tickets_process_key_created_at",
                table: "tickets");
        }
    }
}

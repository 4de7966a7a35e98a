using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowdesk.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BoardIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The Kanban board (BoardQuery) at a million tickets: an open column's first cards in index order (priority,
            // then due with empty due times last), and a finished column's recent days newest first, each an index range.
            migrationBuilder.Sql("CREATE INDEX ix_tickets_board ON tickets (desk_id, status, priority, resolution_due IS NULL, resolution_due, created_at, number);");
            migrationBuilder.Sql("CREATE INDEX ix_tickets_desk_status_updated ON tickets (desk_id, status, updated_at);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_tickets_board;");
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_tickets_desk_status_updated;");
        }
    }
}

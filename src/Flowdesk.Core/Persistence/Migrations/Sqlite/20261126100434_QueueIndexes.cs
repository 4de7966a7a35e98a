using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowdesk.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class QueueIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A technician's queue (one desk, open states, sorted by due time with empty due times last, a page at a
            // time) read in index order at a million tickets; EF cannot express an index on an expression.
            migrationBuilder.Sql("CREATE INDEX ix_tickets_queue ON tickets (desk_id, status, resolution_due IS NULL, resolution_due, id);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_tickets_queue;");
        }
    }
}

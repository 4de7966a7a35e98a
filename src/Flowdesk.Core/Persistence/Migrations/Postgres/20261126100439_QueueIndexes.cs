using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowdesk.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class QueueIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A technician's queue (one desk, open tickets, sorted by due time with empty due times last, a page at a
            // time) read in index order at a million tickets: partial, so closed history does not weigh on it.
            migrationBuilder.Sql("CREATE INDEX ix_tickets_open_queue ON tickets (desk_id, (resolution_due IS NULL), resolution_due, id) WHERE status NOT IN ('resolved', 'closed', 'cancelled', 'rejected');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_tickets_open_queue;");
        }
    }
}

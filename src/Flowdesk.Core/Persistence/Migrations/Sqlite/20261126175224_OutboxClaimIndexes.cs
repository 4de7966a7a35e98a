using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowdesk.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboxClaimIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_outbox_claimed_by",
                table: "outbox",
                column: "claimed_by");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_kind_status_next_attempt_at",
                table: "outbox",
                columns: new[] { "kind", "status", "next_attempt_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_claimed_by",
                table: "outbox");

            migrationBuilder.DropIndex(
                name: "ix_outbox_kind_status_next_attempt_at",
                table: "outbox");
        }
    }
}

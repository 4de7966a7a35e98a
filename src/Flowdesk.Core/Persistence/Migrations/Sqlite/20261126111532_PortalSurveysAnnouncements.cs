using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowdesk.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PortalSurveysAnnouncements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inbound_mail",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    desk_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    mailbox = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    message_id = table.Column<string>(type: "TEXT", maxLength: 250, nullable: true),
                    from_address = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    from_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    subject = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    size = table.Column<long>(type: "INTEGER", nullable: false),
                    sent_at = table.Column<long>(type: "INTEGER", nullable: true),
                    received_at = table.Column<long>(type: "INTEGER", nullable: false),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    detail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ticket_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    comment_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    html = table.Column<string>(type: "TEXT", maxLength: 200000, nullable: true),
                    raw_sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbound_mail", x => x.id);
                    table.ForeignKey(
                        name: "fk_inbound_mail_comments_comment_id",
                        column: x => x.comment_id,
                        principalTable: "comments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_inbound_mail_desks_desk_id",
                        column: x => x.desk_id,
                        principalTable: "desks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_inbound_mail_tickets_ticket_id",
                        column: x => x.ticket_id,
                        principalTable: "tickets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_inbound_mail_comment_id",
                table: "inbound_mail",
                column: "comment_id");

            migrationBuilder.CreateIndex(
                name: "ix_inbound_mail_desk_id_key",
                table: "inbound_mail",
                columns: new[] { "desk_id", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_inbound_mail_message_id",
                table: "inbound_mail",
                column: "message_id");

            migrationBuilder.CreateIndex(
                name: "ix_inbound_mail_outcome_received_at",
                table: "inbound_mail",
                columns: new[] { "outcome", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_inbound_mail_ticket_id",
                table: "inbound_mail",
                column: "ticket_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inbound_mail");
        }
    }
}

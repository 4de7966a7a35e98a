using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowdesk.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TicketSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Text search (Tickets/Search): an FTS5 index with the trigram tokenizer, which finds any substring of three
            // characters or more in Chinese and English alike. Contentless (the text stays in tickets only) and keyed by
            // an integer whose high bits are the ticket's desk slot, so a search limited to some desks reads only their
            // part of the index (rowid ranges). Kept in sync by triggers; a terminator (U+001F) after each text makes
            // every two-character substring the start of some trigram (see TicketSearch.SqliteMatchAsync).
            migrationBuilder.Sql("""
                CREATE TABLE ticket_search_desks (desk_id TEXT NOT NULL PRIMARY KEY, slot INTEGER NOT NULL UNIQUE);
                CREATE TABLE ticket_search_keys (search_key INTEGER PRIMARY KEY, ticket_id TEXT NOT NULL UNIQUE);
                CREATE VIRTUAL TABLE ticket_search USING fts5(subject, description, content='', contentless_delete=1, tokenize='trigram');
                CREATE VIRTUAL TABLE ticket_search_vocab USING fts5vocab(ticket_search, 'row');

                CREATE TRIGGER ticket_search_insert AFTER INSERT ON tickets BEGIN
                    INSERT OR IGNORE INTO ticket_search_desks (desk_id, slot)
                        VALUES (new.desk_id, (SELECT coalesce(max(slot), 0) + 1 FROM ticket_search_desks));
                    INSERT INTO ticket_search_keys (search_key, ticket_id)
                        SELECT coalesce((SELECT max(search_key) FROM ticket_search_keys
                                         WHERE search_key BETWEEN d.slot << 40 AND ((d.slot + 1) << 40) - 1), d.slot << 40) + 1, new.id
                        FROM ticket_search_desks d WHERE d.desk_id = new.desk_id;
                    INSERT INTO ticket_search (rowid, subject, description)
                        SELECT search_key, new.subject || char(31), new.description || char(31) FROM ticket_search_keys WHERE ticket_id = new.id;
                END;

                CREATE TRIGGER ticket_search_delete AFTER DELETE ON tickets BEGIN
                    DELETE FROM ticket_search WHERE rowid = (SELECT search_key FROM ticket_search_keys WHERE ticket_id = old.id);
                    DELETE FROM ticket_search_keys WHERE ticket_id = old.id;
                END;

                -- A new text or another desk: the ticket is indexed afresh under a key of its (new) desk.
                CREATE TRIGGER ticket_search_update AFTER UPDATE OF subject, description, desk_id ON tickets BEGIN
                    DELETE FROM ticket_search WHERE rowid = (SELECT search_key FROM ticket_search_keys WHERE ticket_id = old.id);
                    DELETE FROM ticket_search_keys WHERE ticket_id = old.id;
                    INSERT OR IGNORE INTO ticket_search_desks (desk_id, slot)
                        VALUES (new.desk_id, (SELECT coalesce(max(slot), 0) + 1 FROM ticket_search_desks));
                    INSERT INTO ticket_search_keys (search_key, ticket_id)
                        SELECT coalesce((SELECT max(search_key) FROM ticket_search_keys
                                         WHERE search_key BETWEEN d.slot << 40 AND ((d.slot + 1) << 40) - 1), d.slot << 40) + 1, new.id
                        FROM ticket_search_desks d WHERE d.desk_id = new.desk_id;
                    INSERT INTO ticket_search (rowid, subject, description)
                        SELECT search_key, new.subject || char(31), new.description || char(31) FROM ticket_search_keys WHERE ticket_id = new.id;
                END;

                INSERT INTO ticket_search_desks (desk_id, slot) SELECT id, row_number() OVER (ORDER BY id) FROM desks;
                INSERT INTO ticket_search_keys (search_key, ticket_id)
                    SELECT (d.slot << 40) + row_number() OVER (PARTITION BY t.desk_id ORDER BY t.created_at, t.id), t.id
                    FROM tickets t JOIN ticket_search_desks d ON d.desk_id = t.desk_id;
                INSERT INTO ticket_search (rowid, subject, description)
                    SELECT k.search_key, t.subject || char(31), t.description || char(31)
                    FROM ticket_search_keys k JOIN tickets t ON t.id = k.ticket_id;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS ticket_search_update;
                DROP TRIGGER IF EXISTS ticket_search_delete;
                DROP TRIGGER IF EXISTS ticket_search_insert;
                DROP TABLE IF EXISTS ticket_search_vocab;
                DROP TABLE IF EXISTS ticket_search;
                DROP TABLE IF EXISTS ticket_search_keys;
                DROP TABLE IF EXISTS ticket_search_desks;
                """);
        }
    }
}

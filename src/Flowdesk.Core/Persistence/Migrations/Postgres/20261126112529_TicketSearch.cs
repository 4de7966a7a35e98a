using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowdesk.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TicketSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Text search (Tickets/Search): a GIN index over the character pairs (bigrams) of subject and description,
            // with the desk first (btree_gin) so a search limited to the caller's desks reads only their entries. Pairs,
            // not pg_trgm's trigrams: a two-character Chinese word (密码) is one pair, and pg_trgm cannot look up a
            // pattern shorter than three characters. Longer terms need every pair and are then checked with ILIKE.
            // The index is maintained by PostgreSQL itself; the function must stay IMMUTABLE and its text unchanged
            // (queries repeat the indexed expression word for word).
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS btree_gin;");
            migrationBuilder.Sql("""
                CREATE FUNCTION flowdesk_search_grams(subject text, description text) RETURNS text[]
                LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
                DECLARE
                    chars text[] := string_to_array(lower(subject || E'\n' || description), NULL);
                    grams text[] := '{}';
                    a text;
                    b text;
                BEGIN
                    FOR i IN 1 .. coalesce(array_length(chars, 1), 0) - 1 LOOP
                        a := chars[i];
                        b := chars[i + 1];
                        IF a NOT IN (' ', E'\n', E'\t', E'\r') AND b NOT IN (' ', E'\n', E'\t', E'\r') THEN
                            grams := grams || (a || b);
                        END IF;
                    END LOOP;
                    RETURN grams;
                END $$;
                """);
            migrationBuilder.Sql("CREATE INDEX ix_tickets_search ON tickets USING gin (desk_id, flowdesk_search_grams(subject, description));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_tickets_search;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS flowdesk_search_grams(text, text);");
        }
    }
}

using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using System.Text.Json;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tickets.Search;

/// <summary>
/// Text search over ticket subjects and descriptions through each database's own index, kept in sync by the
/// database itself (migration TicketSearch): on SQLite an FTS5 table with the trigram tokenizer filled by triggers,
/// on PostgreSQL a GIN index over the text's character pairs (bigrams). Both answer "contains", case-insensitively,
/// in any language: Chinese has no spaces between words, so word-based full text would not find 打印机 in
/// 办公室打印机无法连接. Access is not decided here: callers intersect with <see cref="Access"/>.
/// </summary>
public static class TicketSearch
{
    /// <summary>Most trigrams a two-character term is widened to on SQLite (see <see cref="SqliteMatchAsync"/>).</summary>
    const int MaxShortTermTrigrams = 2000;

    /// <summary>A caller with more personal tickets than this is searched without the desk pre-filter.</summary>
    const int MaxPersonalTickets = 5000;

    /// <summary>
    /// Ids of the tickets that match, from the index. When <paramref name="caller"/> is given the index is also
    /// narrowed to the desks whose tickets the caller sees plus the caller's own, watched and approval tickets — a
    /// superset of what <see cref="Access.VisibleTo(IQueryable{Ticket}, Caller)"/> lets through, so a term common on a
    /// desk the caller does not see costs nothing. Cost grows with the number of matches, not with the table.
    /// </summary>
    public static async Task<IQueryable<Guid>> MatchingIdsAsync(FlowdeskDb db, SearchTerm term, Caller? caller, CancellationToken ct)
    {
        var scope = caller is null ? null : await ScopeAsync(db, caller, ct);
        switch (db.Provider)
        {
            case DatabaseProvider.Sqlite:
            {
                var match = await SqliteMatchAsync(db, term, ct);
                if (match is null) return db.Tickets.Where(_ => false).Select(t => t.Id);
                const string Ids = """
                    SELECT k.ticket_id AS "Value" FROM ticket_search s JOIN ticket_search_keys k ON k.search_key = s.rowid
                    WHERE ticket_search MATCH {0}
                    """;
                if (scope is null) return db.Database.SqlQueryRaw<Guid>(Ids, match);
                // A desk's tickets are keyed slot << 40 onwards: one rowid range of the index per desk asked for,
                // then the caller's own, watched and approval tickets one by one.
                var slots = await db.Database.SqlQueryRaw<DeskSlot>("SELECT desk_id, slot FROM ticket_search_desks").ToListAsync(ct);
                var sql = new StringBuilder();
                List<object> args = [match];
                foreach (var slot in slots.Where(d => scope.Desks.Contains(d.DeskId)))
                {
                    sql.Append(CultureInfo.InvariantCulture, $"{Ids} AND s.rowid BETWEEN {{{args.Count}}} AND {{{args.Count + 1}}}\nUNION ALL\n");
                    args.Add(slot.Slot << 40);
                    args.Add(((slot.Slot + 1) << 40) - 1);
                }
                sql.Append(CultureInfo.InvariantCulture, $$"""
                    SELECT k.ticket_id AS "Value" FROM ticket_search_keys k JOIN ticket_search s ON s.rowid = k.search_key
                    WHERE k.ticket_id IN (SELECT value FROM json_each({{{args.Count}}})) AND ticket_search MATCH {0}
                    """);
                // Guids as EF Core stores them on SQLite: upper-case text.
                args.Add(JsonSerializer.Serialize(scope.Personal.Select(id => id.ToString().ToUpperInvariant())));
                return db.Database.SqlQueryRaw<Guid>(sql.ToString(), [.. args]);
            }
            case DatabaseProvider.Postgres:
            {
                // The GIN index (desk_id, character pairs) finds the tickets holding every pair of the term on the
                // desks asked for; ILIKE keeps those holding them in the right order (two characters are one pair:
                // nothing to check). The index expression is repeated word for word so the planner matches it.
                var sql = new StringBuilder("""
                    SELECT id AS "Value" FROM tickets
                    WHERE flowdesk_search_grams(subject, description) @> flowdesk_search_grams({0}, '')
                    """);
                List<object> args = [term.Text];
                if (!term.IsShort)
                {
                    sql.Append(" AND (subject ILIKE {1} OR description ILIKE {1})");
                    args.Add(term.ContainsPattern);
                }
                if (scope is not null)
                {
                    sql.Append(CultureInfo.InvariantCulture, $" AND (desk_id = ANY({{{args.Count}}}) OR id = ANY({{{args.Count + 1}}}))");
                    args.Add(scope.Desks.ToArray());
                    args.Add(scope.Personal.ToArray());
                }
                return db.Database.SqlQueryRaw<Guid>(sql.ToString(), [.. args]);
            }
            default:
                throw new InvalidOperationException($"Unknown provider {db.Provider}.");
        }
    }

    sealed record DeskSlot(Guid DeskId, long Slot);

    /// <summary>
    /// The same test row by row (number, LIKE / ILIKE; no index): cheap on a small slice of tickets, such as the
    /// newest few thousand, where it lets a common term's first page stop early instead of reading every match.
    /// </summary>
    public static Expression<Func<Ticket, bool>> RowMatches(FlowdeskDb db, SearchTerm term)
    {
        var pattern = term.ContainsPattern;
        var number = term.Number;
        return db.Provider == DatabaseProvider.Postgres
            ? t => t.Number == number || EF.Functions.ILike(t.Subject, pattern, "\\") || EF.Functions.ILike(t.Description, pattern, "\\")
            : t => t.Number == number || EF.Functions.Like(t.Subject, pattern, "\\") || EF.Functions.Like(t.Description, pattern, "\\");
    }

    /// <summary>Desks whose every ticket the caller sees, and the caller's own tickets elsewhere; null when too many to list.</summary>
    sealed record Scope(IReadOnlyCollection<Guid> Desks, IReadOnlyCollection<Guid> Personal);

    static async Task<Scope?> ScopeAsync(FlowdeskDb db, Caller caller, CancellationToken ct)
    {
        var me = caller.PersonId;
        var personal = await db.Tickets.Where(t => t.RequesterId == me).Select(t => t.Id)
            .Union(db.TicketWatchers.Where(w => w.PersonId == me).Select(w => w.TicketId))
            .Union(db.Approvals.Where(a => a.ApproverId == me).Select(a => a.TicketId))
            .Take(MaxPersonalTickets + 1).ToListAsync(ct);
        if (personal.Count > MaxPersonalTickets) return null;
        var desks = caller.SeesAllOpenDesks
            ? (await db.Desks.Select(d => d.Id).ToListAsync(ct)).Where(caller.IsStaffFor).ToList()
            : [.. caller.StaffDeskIds];
        return new Scope(desks, personal);
    }

    /// <summary>
    /// The FTS5 query for a term, or null when nothing can match. Three characters and more: the term as one phrase
    /// (its trigrams in a row). Two characters: the trigram tokenizer has no token that short, so the term becomes
    /// an OR of the indexed trigrams that start with it — every two-character substring starts one, because the
    /// trigger appends a terminator (U+001F) to the text it indexes.
    /// </summary>
    static async Task<string?> SqliteMatchAsync(FlowdeskDb db, SearchTerm term, CancellationToken ct)
    {
        if (!term.IsShort) return Phrase(term.Text);
        var prefix = term.Text.ToLowerInvariant();
        var end = prefix + char.ConvertFromUtf32(0x10FFFF);
        var trigrams = await db.Database.SqlQuery<string>($"""
            SELECT term AS "Value" FROM ticket_search_vocab WHERE term >= {prefix} AND term < {end}
            """).Take(MaxShortTermTrigrams).ToListAsync(ct);
        if (trigrams.Count == 0) return null;
        var query = new StringBuilder();
        foreach (var trigram in trigrams)
        {
            if (query.Length > 0) query.Append(" OR ");
            query.Append(Phrase(trigram));
        }
        return query.ToString();
    }

    /// <summary>An FTS5 string: double quotes around, inner double quotes doubled; nothing inside is syntax.</summary>
    static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

using System.Globalization;
using System.Text.Json.Nodes;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Flowdesk.Persistence;

/// <summary>
/// Writes a field-level history row for every changed ticket column in the same SaveChanges as the change,
/// so no handler can forget it and no change is saved without its trail.
/// </summary>
sealed class HistoryInterceptor : SaveChangesInterceptor
{
    static readonly HashSet<string> Untracked = [nameof(Ticket.Version), nameof(Ticket.UpdatedAt), nameof(Ticket.LastChangedById), nameof(Ticket.FirstRespondedAt),
        // Due times follow from the recorded changes (the SLA timeline explains them); breaches are recorded.
        nameof(Ticket.FirstResponseDue), nameof(Ticket.ResolutionDue)];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context) WriteHistory(context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) WriteHistory(context);
        return ValueTask.FromResult(result);
    }

    static void WriteHistory(DbContext context)
    {
        List<TicketHistoryEntry> rows = [];
        foreach (var entry in context.ChangeTracker.Entries<Ticket>())
        {
            var ticket = entry.Entity;
            if (entry.State == EntityState.Added)
            {
                rows.Add(new TicketHistoryEntry(ticket.Id, ticket.LastChangedById, ticket.CreatedAt, "created", null, ticket.Number));
            }
            else if (entry.State == EntityState.Modified)
            {
                foreach (var property in entry.Properties)
                {
                    if (!property.IsModified || Untracked.Contains(property.Metadata.Name)) continue;
                    if (Equals(property.OriginalValue, property.CurrentValue)) continue;
                    if (property.Metadata.Name == nameof(Ticket.Fields))
                        rows.AddRange(FieldChanges(ticket, property));
                    else
                        rows.Add(new TicketHistoryEntry(ticket.Id, ticket.LastChangedById, ticket.UpdatedAt,
                            ToFieldName(property.Metadata.Name), Show(property.OriginalValue), Show(property.CurrentValue)));
                }
            }
        }
        if (rows.Count > 0) context.Set<TicketHistoryEntry>().AddRange(rows);
    }

    static IEnumerable<TicketHistoryEntry> FieldChanges(Ticket ticket, PropertyEntry property)
    {
        var before = JsonNode.Parse((string?)property.OriginalValue ?? "{}") as JsonObject ?? [];
        var after = JsonNode.Parse((string?)property.CurrentValue ?? "{}") as JsonObject ?? [];
        foreach (var key in before.Select(p => p.Key).Union(after.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            var old = before[key]?.ToJsonString();
            var @new = after[key]?.ToJsonString();
            if (old != @new)
                yield return new TicketHistoryEntry(ticket.Id, ticket.LastChangedById, ticket.UpdatedAt, $"fields.{key}", old, @new);
        }
    }

    static string ToFieldName(string property) => char.ToLowerInvariant(property[0]) + property[1..];

    static string? Show(object? value) => value switch
    {
        null => null,
        Enum e => e.ToString().ToLowerInvariant(),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

using System.Text.Json.Nodes;
using Flowdesk.Processes.Expressions;
using Flowdesk.Tickets;

namespace Flowdesk.Processes;

/// <summary>The requester facts conditions and form defaults may read.</summary>
public sealed record RequesterProfile(string Username, string? Department, string? Manager, string? Location);

/// <summary>What a condition sees of a ticket: form values, ticket fields, the requester and the last approval decision.</summary>
public sealed class TicketScope(Ticket ticket, JsonObject form, RequesterProfile requester, string? approvalDecision = null, int openTasks = 0) : IConditionScope
{
    public JsonNode? Resolve(string path)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) return null;
        var (root, rest) = (path[..dot], path[(dot + 1)..]);
        return root switch
        {
            "form" => Walk(form, rest),
            "ticket" => rest switch
            {
                "priority" => Lower(ticket.Priority),
                "impact" => Lower(ticket.Impact),
                "urgency" => Lower(ticket.Urgency),
                "status" => ticket.Status,
                "kind" => Lower(ticket.Kind),
                "category" => ticket.Category,
                "service" => ticket.Service,
                "subject" => ticket.Subject,
                "number" => ticket.Number,
                _ => null,
            },
            "requester" => rest switch
            {
                "username" => requester.Username,
                "department" => requester.Department,
                "manager" => requester.Manager,
                "location" => requester.Location,
                _ => null,
            },
            "approval" => rest == "decision" ? approvalDecision : null,
            "tasks" => rest == "open" ? openTasks : null,
            _ => null,
        };
    }

    static JsonNode? Walk(JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node)) return null;
        }
        return node?.DeepClone();
    }

    static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}

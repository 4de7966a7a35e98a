using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Tickets;

/// <summary>
/// A partial change. Absent members stay as they are; for assignee and assigneeGroup an explicit null
/// unassigns, which is why they are raw JSON here.
/// </summary>
public sealed record UpdateTicket
{
    public string? Subject { get; init; }
    public string? Description { get; init; }
    public string? Category { get; init; }
    public string? Service { get; init; }
    public Level? Impact { get; init; }
    public Level? Urgency { get; init; }
    public Priority? Priority { get; init; }
    /// <summary>A group key of the ticket's desk, or null to clear.</summary>
    public JsonElement AssigneeGroup { get; init; }
    /// <summary>A user name of the desk's staff, or null to unassign.</summary>
    public JsonElement Assignee { get; init; }
    public JsonObject? Fields { get; init; }
}

/// <summary>PATCH /tickets/{id}: staff change fields; If-Match must carry the ETag they read.</summary>
public static class UpdateTicketEndpoint
{
    public static void Map(RouteGroupBuilder tickets) =>
        tickets.MapPatch("/{id}", Handle).WithSummary("Change a ticket's fields (If-Match required)");

    static async Task<Results<Ok<TicketView>, ProblemHttpResult, ValidationProblem>> Handle(
        string id, UpdateTicket request, Caller caller, FlowdeskDb db, HttpContext http, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var ticket = await db.FindVisibleAsync(id, caller, ct);
        if (ticket is null) return Problems.NotFound(t);
        if (!caller.MayWorkOn(ticket.DeskId)) return Problems.Forbidden(t);

        string? ifMatch = http.Request.Headers.IfMatch;
        if (string.IsNullOrEmpty(ifMatch)) return Problems.PreconditionRequired(t);
        if (ifMatch != "*" && !ifMatch.Split(',').Select(e => e.Trim().TrimStart('W', '/')).Contains(ticket.ETag))
            return Problems.PreconditionFailed(t);

        var errors = new FieldErrors(t);
        var subject = request.Subject is null ? null : errors.Line("subject", request.Subject, TicketLimits.SubjectMax);
        var description = request.Description is null ? null : errors.Text("description", request.Description, TicketLimits.DescriptionMax);
        var category = request.Category is null ? null : errors.Line("category", request.Category, 100, required: false) ?? "";
        var service = request.Service is null ? null : errors.Line("service", request.Service, 100, required: false) ?? "";
        if (request.Fields is { } fields && Encoding.UTF8.GetByteCount(fields.ToJsonString()) > TicketLimits.FieldsMaxBytes)
            errors.Add("fields", "validation.fields_object", TicketLimits.FieldsMaxBytes);

        Optional<Guid?>? group = null;
        if (request.AssigneeGroup.ValueKind == JsonValueKind.Null) group = new Optional<Guid?>(null);
        else if (request.AssigneeGroup.ValueKind == JsonValueKind.String)
        {
            var key = request.AssigneeGroup.GetString()!;
            var found = await db.Groups.SingleOrDefaultAsync(g => g.Key == key && g.DeskId == ticket.DeskId, ct);
            if (found is null) errors.Add("assigneeGroup", "validation.unknown_group", key);
            else group = new Optional<Guid?>(found.Id);
        }
        else if (request.AssigneeGroup.ValueKind != JsonValueKind.Undefined) errors.Add("assigneeGroup", "validation.unknown_group", request.AssigneeGroup.GetRawText());

        Optional<Guid?>? assignee = null;
        if (request.Assignee.ValueKind == JsonValueKind.Null) assignee = new Optional<Guid?>(null);
        else if (request.Assignee.ValueKind == JsonValueKind.String)
        {
            var name = request.Assignee.GetString()!;
            var person = await People.PersonLookup.FindAsync(db, name, ct);
            if (person is null) errors.Add("assignee", "validation.unknown_person", name);
            else if (!await db.DeskMembers.AnyAsync(m => m.DeskId == ticket.DeskId && m.PersonId == person.Id, ct))
                errors.Add("assignee", "validation.assignee_not_staff", name);
            else assignee = new Optional<Guid?>(person.Id);
        }
        else if (request.Assignee.ValueKind != JsonValueKind.Undefined) errors.Add("assignee", "validation.unknown_person", request.Assignee.GetRawText());

        var edit = new TicketEdit(subject, description, category, service, request.Impact, request.Urgency, request.Priority, group, assignee, request.Fields);
        if (!errors.Any && edit == new TicketEdit()) errors.Add("body", "validation.no_changes");
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        var now = clock.GetUtcNow();
        ticket.Edit(edit, caller.PersonId, now);
        // The pinned version's "field_changed:<field>" rules run in the same transaction as the edit.
        if (await Processes.ProcessLibrary.DefinitionAsync(db, ticket.ProcessKey, ticket.ProcessVersion, ct) is { } definition && definition.Rules.Count > 0)
        {
            var entry = db.Entry(ticket);
            // Trigger names as documents write them: ticket fields by name, form fields by their id.
            List<string> changed = [.. entry.Properties.Where(p => p.IsModified && !Equals(p.OriginalValue, p.CurrentValue))
                .Select(p => p.Metadata.Name switch
                {
                    nameof(Ticket.AssigneeId) => "assignee",
                    nameof(Ticket.AssigneeGroupId) => "group",
                    nameof(Ticket.Subject) => "title",
                    var name => char.ToLowerInvariant(name[0]) + name[1..],
                })];
            if (request.Fields is { } changedFields) changed.AddRange(changedFields.Select(f => f.Key));
            await new Processes.ProcessRunner(db, now, caller.PersonId).FieldsChangedAsync(ticket, definition,
                await Catalog.Requesters.ProfileAsync(db, ticket.RequesterId, ct), changed, ct);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone saved between our read and our write: the If-Match was already stale.
            return Problems.PreconditionFailed(t);
        }
        await db.Entry(ticket).Reference(x => x.Assignee).LoadAsync(ct);
        await db.Entry(ticket).Reference(x => x.AssigneeGroup).LoadAsync(ct);
        http.Response.Headers.ETag = ticket.ETag;
        return TypedResults.Ok((await TicketViews.ToViewsAsync(db, [ticket], caller, ct))[0]);
    }
}

using System.Text.Json.Nodes;
using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Portal;
using Flowdesk.Processes;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Forms;
using Flowdesk.Security;
using Flowdesk.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Catalog;

public sealed record CatalogItem(string Key, int Version, string Name, string? Description, string Category, IReadOnlyList<string> Tags,
    string? Icon, string? TypicalTime, string Desk, string Kind);

public sealed record CatalogItemDetail(CatalogItem Item, IReadOnlyList<FormField> Form, string? Changelog);

public sealed record CatalogRequest(JsonObject? Fields, string? Subject = null);

/// <summary>
/// The service catalog: the newest published version of every live process whose audience includes the caller,
/// searchable by name, tag and description in both languages; ordering one validates the form and starts the process.
/// </summary>
public static class CatalogEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var catalog = api.MapGroup("/catalog").WithTags("Catalog");
        catalog.MapGet("", List).WithSummary("Catalog items the caller may request");
        catalog.MapGet("/{key}", Get).WithSummary("One catalog item with its form");
        catalog.MapPost("/{key}/requests", Order).WithSummary("Request a catalog item")
            .Produces<TicketView>(StatusCodes.Status201Created).ProducesValidationProblem();
    }

    static async Task<Ok<List<CatalogItem>>> List(string? q, string? category, Caller caller, FlowdeskDb db, PortalCatalog catalog, CancellationToken ct)
    {
        var offers = await catalog.ForAsync(db, caller, ct);
        var language = CurrentLanguage.Get();
        IEnumerable<CatalogOffer> items = offers;
        if (!string.IsNullOrWhiteSpace(category)) items = items.Where(o => o.Definition.Catalog!.Category == category);
        if (!string.IsNullOrWhiteSpace(q)) items = items.Where(o => o.Matches(q.Trim()));
        return TypedResults.Ok(items.Select(o => o.ToItem(language)).OrderBy(i => i.Category, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal).ToList());
    }

    static async Task<Results<Ok<CatalogItemDetail>, ProblemHttpResult>> Get(string key, Caller caller, FlowdeskDb db, PortalCatalog catalog,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var offer = await catalog.FindAsync(db, caller, key, ct);
        if (offer is null) return Problems.NotFound(t);
        return TypedResults.Ok(new CatalogItemDetail(offer.ToItem(CurrentLanguage.Get()), offer.Definition.Form, offer.Definition.Changelog));
    }

    static Task<IResult> Order(string key, CatalogRequest request, Caller caller, FlowdeskDb db, PortalCatalog catalog, HttpContext http,
        TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct) =>
        Idempotency.CreateAsync<CatalogRequest, TicketView>(http, db, caller.PersonId, request, async () =>
        {
            var offer = await catalog.FindAsync(db, caller, key, ct);
            if (offer is null) return Union<Idempotency.Created<TicketView>, IResult>.Fail(Problems.NotFound(t));
            // An order reads a dozen times before it saves; one connection for all of them, not one opened and closed
            // (and set up by EF) per read. The context closes it when the request ends.
            await db.Database.OpenConnectionAsync(ct);
            var definition = offer.Definition;
            var requester = Requesters.Of(caller);

            var errors = new FieldErrors(t);
            var subject = request.Subject is null ? null : errors.Line("subject", request.Subject, TicketLimits.SubjectMax, required: false);
            var form = await FormSubmission.ValidateAsync(db, caller, definition.Form, request.Fields, requester, t, ct);
            foreach (var (field, messages) in form.Errors)
                foreach (var message in messages) errors.AddText($"fields.{field}", message);
            if (errors.Any) return Union<Idempotency.Created<TicketView>, IResult>.Fail(Problems.Validation(t, errors.ToDictionary()));

            var desk = await db.Desks.SingleAsync(d => d.Id == offer.DeskId, ct);
            var now = clock.GetUtcNow();
            var name = definition.Name.For(caller.Language);
            // A form that asks for impact and urgency (low/medium/high) sets them, and the matrix gives the priority.
            var impact = LevelOf(form.Values, "impact");
            var urgency = LevelOf(form.Values, "urgency");
            var ticket = await TicketFactory.CreateAsync(db, desk, ProcessRunner.KindOf(definition.Kind), subject ?? name,
                Describe(definition, form.Values, caller.Language), caller.PersonId, impact, urgency, null, caller.PersonId, now, ct,
                offer.Key, offer.Version);
            ticket.SetFields(form.Values);
            ticket.SetCategory(definition.Category ?? definition.Catalog?.Category, definition.Service);
            await new ProcessRunner(db, now, caller.PersonId).StartAsync(ticket, definition, requester, ct);

            // The requester and the assignee the process picked, in one read; tracking fills in the ticket's references.
            await db.Users.Where(p => p.Id == ticket.RequesterId || p.Id == ticket.AssigneeId).LoadAsync(ct);
            await db.Entry(ticket).Reference(x => x.AssigneeGroup).LoadAsync(ct);
            var view = (await TicketViews.ToViewsAsync(db, [ticket], caller, ct))[0];
            return new Idempotency.Created<TicketView>(view, $"/api/v1/tickets/{ticket.Id}");
        }, ct);

    static Level LevelOf(JsonObject values, string field) =>
        values[field] is JsonValue v && v.TryGetValue<string>(out var text) && Enum.TryParse<Level>(text, ignoreCase: true, out var level) && Enum.IsDefined(level)
            ? level : Level.Medium;

    /// <summary>A readable description of what was asked, in the requester's language, from the form's labels.</summary>
    static string Describe(ProcessDefinition definition, JsonObject values, string language)
    {
        var lines = definition.Form.Where(f => values.ContainsKey(f.Id))
            .Select(f => $"{f.Label.For(language)}: {Show(f, values[f.Id], language)}");
        return string.Join('\n', lines);
    }

    static string Show(FormField field, JsonNode? value, string language) => value switch
    {
        null => "",
        JsonArray array => string.Join(", ", array.Select(v => Show(field, v, language))),
        JsonValue v when v.TryGetValue<string>(out var s) => field.Options.FirstOrDefault(o => o.Value == s)?.Label.For(language) ?? s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? (Languages.IsChinese(language) ? "是" : "yes") : (Languages.IsChinese(language) ? "否" : "no"),
        _ => value.ToJsonString(),
    };
}

/// <summary>A live, published process the caller may order.</summary>
public sealed record CatalogOffer(string Key, int Version, Guid DeskId, string DeskKey, ProcessDefinition Definition)
{
    public CatalogItem ToItem(string language) => new(Key, Version, Definition.Name.For(language),
        (Definition.Catalog?.Description ?? Definition.Description)?.For(language), Definition.Catalog!.Category, Definition.Catalog.Tags,
        Definition.Catalog.Icon, Definition.Catalog.TypicalTime?.For(language), DeskKey, Definition.Kind.ToString().ToLowerInvariant());

    /// <summary>Name, tags and description in every language, case-insensitive; Chinese matches inside words.</summary>
    public bool Matches(string query)
    {
        var terms = query.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var haystack = string.Join('\n', Definition.Name.Values.Values
            .Concat(Definition.Catalog!.Tags)
            .Concat(Definition.Catalog.Description?.Values.Values ?? [])
            .Concat(Definition.Description?.Values.Values ?? [])
            .Append(Key));
        return terms.All(term => haystack.Contains(term, StringComparison.OrdinalIgnoreCase));
    }
}

public static class Audience
{
    public static async Task<HashSet<string>> OfAsync(FlowdeskDb db, Caller caller, CancellationToken ct)
    {
        HashSet<string> tags = new(StringComparer.OrdinalIgnoreCase) { "everyone" };
        foreach (var role in caller.RoleNames()) tags.Add($"role:{role}");
        if (caller.Department is { } department) tags.Add($"department:{department}");
        if (await db.Users.AnyAsync(p => p.ManagerId == caller.PersonId, ct)) tags.Add("role:manager");
        foreach (var group in await db.Groups.Where(g => caller.GroupIds.Contains(g.Id)).Select(g => g.Key).ToListAsync(ct)) tags.Add($"group:{group}");
        return tags;
    }
}

public static class Requesters
{
    /// <summary>The caller's own profile, as loaded with the caller.</summary>
    public static RequesterProfile Of(Caller caller) => new(caller.UserName, caller.Department, caller.ManagerUserName, caller.Location);

    public static async Task<RequesterProfile> ProfileAsync(FlowdeskDb db, Guid personId, CancellationToken ct)
    {
        var p = await db.Users.AsNoTracking().Where(u => u.Id == personId)
            .Select(u => new { u.UserName, u.Department, u.Location, Manager = db.Users.Where(m => m.Id == u.ManagerId).Select(m => m.UserName).FirstOrDefault() })
            .SingleAsync(ct);
        return new RequesterProfile(p.UserName!, p.Department, p.Manager, p.Location);
    }
}

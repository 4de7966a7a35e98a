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

public sealed record SavedViewRequest(string? Name, Dictionary<string, string?>? Filters, string? Sort, IReadOnlyList<string>? Columns);

public sealed record SavedViewView(Guid Id, string Name, IReadOnlyDictionary<string, string> Filters, string Sort, IReadOnlyList<string> Columns,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static SavedViewView From(SavedView v) => new(v.Id, v.Name, v.FilterValues(), v.Sort, v.ColumnKeys(), v.CreatedAt, v.UpdatedAt);
}

/// <summary>A validated view; the console saves through the same checks as the API.</summary>
public sealed record SavedViewInput(string Name, IReadOnlyDictionary<string, string> Filters, string Sort, IReadOnlyList<string> Columns)
{
    public static (SavedViewInput? Input, FieldErrors Errors) Validate(SavedViewRequest request, IStringLocalizer t)
    {
        var errors = new FieldErrors(t);
        var name = errors.Line("name", request.Name, SavedViewRules.NameMax);
        Dictionary<string, string> filters = new(StringComparer.Ordinal);
        foreach (var (key, value) in request.Filters ?? [])
        {
            if (string.IsNullOrEmpty(value)) continue; // an empty filter is no filter
            switch (SavedViewRules.FilterError(key, value))
            {
                case null: filters[key] = value; break;
                case "unknown": errors.Add($"filters.{key}", "view.unknown_filter", key, string.Join(", ", SavedViewRules.FilterKeys)); break;
                case "too_long": errors.Add($"filters.{key}", "validation.too_long", 200); break;
                default: errors.Add($"filters.{key}", "view.bad_filter", value, key); break;
            }
        }
        var sort = string.IsNullOrWhiteSpace(request.Sort) ? SavedViewRules.DefaultSort : request.Sort.Trim();
        if (!SavedViewRules.IsSort(sort)) errors.Add("sort", "validation.sort", string.Join(", ", SavedViewRules.ColumnKeys));
        var columns = request.Columns is { Count: > 0 } given ? given.Select(c => c?.Trim() ?? "").ToList() : [.. SavedViewRules.DefaultColumns];
        var unknown = columns.Where(c => !SavedViewRules.ColumnKeys.Contains(c)).ToList();
        if (unknown.Count > 0) errors.Add("columns", "view.unknown_columns", string.Join(", ", unknown), string.Join(", ", SavedViewRules.ColumnKeys));
        else if (columns.Distinct().Count() != columns.Count) errors.Add("columns", "view.duplicate_columns");
        return errors.Any ? (null, errors) : (new SavedViewInput(name!, filters, sort, columns), errors);
    }
}

/// <summary>/me/views: each person's saved queues (name, filters, sort, columns). Someone else's view does not exist.</summary>
public static class SavedViewEndpoints
{
    public static void Map(IEndpointRouteBuilder secured)
    {
        var views = secured.MapGroup("/me/views").WithTags("Saved views");
        views.MapGet("", List).WithSummary("My saved views");
        views.MapPost("", Create).WithSummary("Save a view");
        views.MapGet("/{id:guid}", Get).WithSummary("One of my saved views");
        views.MapPut("/{id:guid}", Replace).WithSummary("Change a saved view (If-Match required)");
        views.MapDelete("/{id:guid}", Delete).WithSummary("Delete a saved view");
    }

    static async Task<Ok<List<SavedViewView>>> List(Caller caller, FlowdeskDb db, CancellationToken ct)
    {
        var views = await db.SavedViews.AsNoTracking().Where(v => v.PersonId == caller.PersonId).OrderBy(v => v.Name).ToListAsync(ct);
        return TypedResults.Ok(views.Select(SavedViewView.From).ToList());
    }

    static async Task<Results<Ok<SavedViewView>, ProblemHttpResult>> Get(Guid id, Caller caller, FlowdeskDb db, HttpContext http, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var view = await db.SavedViews.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id && v.PersonId == caller.PersonId, ct);
        if (view is null) return Problems.NotFound(t);
        http.Response.Headers.ETag = view.ETag;
        return TypedResults.Ok(SavedViewView.From(view));
    }

    static async Task<Results<Created<SavedViewView>, ProblemHttpResult, ValidationProblem>> Create(
        SavedViewRequest request, Caller caller, FlowdeskDb db, HttpContext http, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var (input, errors) = SavedViewInput.Validate(request, t);
        if (input is null) return Problems.Validation(t, errors.ToDictionary());
        var saved = await SavedViewStore.CreateAsync(db, caller.PersonId, input, clock.GetUtcNow(), ct);
        if (saved.Refusal is { } refusal) return Refusal(t, refusal, input.Name);
        http.Response.Headers.ETag = saved.View!.ETag;
        return TypedResults.Created($"/api/v1/me/views/{saved.View.Id}", SavedViewView.From(saved.View));
    }

    static async Task<Results<Ok<SavedViewView>, ProblemHttpResult, ValidationProblem>> Replace(
        Guid id, SavedViewRequest request, Caller caller, FlowdeskDb db, HttpContext http, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var view = await db.SavedViews.SingleOrDefaultAsync(v => v.Id == id && v.PersonId == caller.PersonId, ct);
        if (view is null) return Problems.NotFound(t);
        string? ifMatch = http.Request.Headers.IfMatch;
        if (string.IsNullOrEmpty(ifMatch)) return Problems.PreconditionRequired(t);
        if (ifMatch != "*" && !ifMatch.Split(',').Select(e => e.Trim().TrimStart('W', '/')).Contains(view.ETag)) return Problems.PreconditionFailed(t);
        var (input, errors) = SavedViewInput.Validate(request, t);
        if (input is null) return Problems.Validation(t, errors.ToDictionary());
        if (await db.SavedViews.AnyAsync(v => v.PersonId == caller.PersonId && v.Name == input.Name && v.Id != id, ct))
            return Refusal(t, "name_taken", input.Name);
        view.Change(input.Name, input.Filters, input.Sort, input.Columns, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed(t);
        }
        catch (DbUpdateException)
        {
            return Refusal(t, "name_taken", input.Name);
        }
        http.Response.Headers.ETag = view.ETag;
        return TypedResults.Ok(SavedViewView.From(view));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, Caller caller, FlowdeskDb db, HttpContext http, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var view = await db.SavedViews.SingleOrDefaultAsync(v => v.Id == id && v.PersonId == caller.PersonId, ct);
        if (view is null) return Problems.NotFound(t);
        string? ifMatch = http.Request.Headers.IfMatch;
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch != "*" && !ifMatch.Split(',').Select(e => e.Trim().TrimStart('W', '/')).Contains(view.ETag))
            return Problems.PreconditionFailed(t);
        db.SavedViews.Remove(view);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.PreconditionFailed(t);
        }
        return TypedResults.NoContent();
    }

    static ProblemHttpResult Refusal(IStringLocalizer t, string refusal, string name) => refusal == "too_many"
        ? Problems.Conflict(t, "too-many-views", "view.conflict.title", t.Text("view.too_many", SavedViewRules.MaxPerPerson))
        : Problems.Conflict(t, "view-name-taken", "view.conflict.title", t.Text("view.name_taken", name));
}

/// <summary>Creating a view, shared by the API and the console.</summary>
public static class SavedViewStore
{
    public static async Task<(SavedView? View, string? Refusal)> CreateAsync(FlowdeskDb db, Guid personId, SavedViewInput input, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.SavedViews.CountAsync(v => v.PersonId == personId, ct) >= SavedViewRules.MaxPerPerson) return (null, "too_many");
        if (await db.SavedViews.AnyAsync(v => v.PersonId == personId && v.Name == input.Name, ct)) return (null, "name_taken");
        var view = new SavedView(personId, input.Name, input.Filters, input.Sort, input.Columns, now);
        db.SavedViews.Add(view);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.Entry(view).State = EntityState.Detached;
            return (null, "name_taken"); // the same name saved a moment ago
        }
        return (view, null);
    }
}

using System.Text;
using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Documents;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Processes;

public sealed record ProcessSummary(string Key, string Name, string Desk, string Kind, int? PublishedVersion, bool Retired, IReadOnlyList<VersionSummary> Versions);

public sealed record VersionSummary(int Number, string Status, string? Changelog, DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt);

public sealed record DiffView(string Key, int From, int To, IReadOnlyList<DefinitionChange> Changes);

/// <summary>
/// Process products: list, read, save a draft from YAML or JSON, publish, diff, unpublish and retire.
/// Reading is for staff and process owners; changing for process owners and system admins.
/// </summary>
public static class ProcessEndpoints
{
    public const long MaxDocumentBytes = 1024 * 1024;

    public static void Map(IEndpointRouteBuilder api)
    {
        var processes = api.MapGroup("/processes").WithTags("Processes");
        processes.MapGet("", List).WithSummary("Process definitions and their versions");
        processes.MapGet("/{key}", Get).WithSummary("One process and its versions");
        processes.MapPost("", SaveDraft).WithSummary("Create or update a draft from YAML (application/yaml) or JSON").Accepts<ProcessDefinition>("application/json", "application/yaml");
        processes.MapGet("/{key}/versions/{number:int}", GetVersion).WithSummary("A version's definition; Accept: application/yaml exports YAML");
        processes.MapPost("/{key}/versions/{number:int}/publish", Publish).WithSummary("Publish a draft; earlier tickets stay on their version");
        processes.MapGet("/{key}/diff", Diff).WithSummary("Semantic differences between two versions (?from=1&to=2)");
        processes.MapPost("/{key}/unpublish", (string key, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct) =>
            Lifecycle(key, p => p.Unpublish(), caller, db, t, ct)).WithSummary("Take the process out of the catalog");
        processes.MapPost("/{key}/retire", (string key, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct) =>
            Lifecycle(key, p => p.Retire(), caller, db, t, ct)).WithSummary("Retire the process for good");
    }

    static async Task<Results<Ok<List<ProcessSummary>>, ProblemHttpResult>> List(Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.MayReadProcesses) return Problems.NotFound(t);
        var processes = await db.Processes.AsNoTracking().Include(p => p.Versions).OrderBy(p => p.Key).ToListAsync(ct);
        var desks = await db.Desks.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Key, ct);
        return TypedResults.Ok(processes.Select(p => Summary(p, desks[p.DeskId])).ToList());
    }

    static async Task<Results<Ok<ProcessSummary>, ProblemHttpResult>> Get(string key, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.MayReadProcesses) return Problems.NotFound(t);
        var process = await db.Processes.AsNoTracking().Include(p => p.Versions).SingleOrDefaultAsync(p => p.Key == key, ct);
        if (process is null) return Problems.NotFound(t);
        var desk = await db.Desks.Where(d => d.Id == process.DeskId).Select(d => d.Key).SingleAsync(ct);
        return TypedResults.Ok(Summary(process, desk));
    }

    static async Task<IResult> GetVersion(string key, int number, Caller caller, FlowdeskDb db, HttpContext http, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.MayReadProcesses) return Problems.NotFound(t);
        var definition = await ProcessLibrary.DefinitionAsync(db, key, number, ct);
        if (definition is null) return Problems.NotFound(t);
        http.Response.Headers.ETag = ProcessVersion.ETagOf(number,
            await db.ProcessVersions.Where(v => v.ProcessKey == key && v.Number == number).Select(v => v.Revision).SingleAsync(ct));
        var wantsYaml = http.Request.Headers.Accept.Any(a => a is not null && (a.Contains("yaml", StringComparison.OrdinalIgnoreCase)));
        return wantsYaml
            ? TypedResults.Text(ProcessDocuments.ToYaml(definition), "application/yaml; charset=utf-8", Encoding.UTF8)
            : TypedResults.Text(ProcessJson.Serialize(definition), "application/json; charset=utf-8", Encoding.UTF8);
    }

    static async Task<IResult> SaveDraft(HttpContext http, Caller caller, FlowdeskDb db, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.MayManageProcesses) return Problems.NotFound(t);
        var contentType = http.Request.ContentType ?? "";
        var yaml = contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase);
        if (!yaml && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
            return Problems.Validation(t, "body", t.Text("process.content_type"));
        string text;
        using (var reader = new StreamReader(http.Request.Body, Encoding.UTF8))
            text = await reader.ReadToEndAsync(ct);
        if (Encoding.UTF8.GetByteCount(text) > MaxDocumentBytes) return Problems.TooLarge(t, MaxDocumentBytes);

        var parsed = yaml ? ProcessDocuments.FromYaml(text) : ProcessDocuments.FromJson(text);
        if (parsed.Definition is null || parsed.Errors.Count > 0) return Invalid(t, parsed.Errors);
        // If-Match (optional): the draft this edit started from must still be the draft, unchanged since.
        if (IfMatch.Present(http) && !(await ProcessLibrary.DraftETagAsync(db, parsed.Definition.Key, ct) is { } draftTag && IfMatch.Matches(http, draftTag)))
            return Problems.PreconditionFailed(t);
        var saved = await ProcessLibrary.SaveDraftAsync(db, parsed.Definition, caller.PersonId, clock.GetUtcNow(), ct);
        if (!saved.Ok) return Invalid(t, parsed.Locate(saved.Errors));
        await db.SaveChangesAsync(ct);
        http.Response.Headers.ETag = saved.Version!.ETag;
        return TypedResults.Created($"/api/v1/processes/{parsed.Definition.Key}/versions/{saved.Version!.Number}",
            new VersionSummary(saved.Version.Number, "draft", saved.Version.Changelog, saved.Version.CreatedAt, null));
    }

    static async Task<IResult> Publish(string key, int number, Caller caller, FlowdeskDb db, HttpContext http, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.MayManageProcesses) return Problems.NotFound(t);
        // If-Match (optional): publish the draft as it was reviewed, not one saved since.
        if (IfMatch.Present(http))
        {
            var current = await db.ProcessVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ProcessKey == key && v.Number == number, ct);
            if (current is null) return Problems.NotFound(t);
            if (!IfMatch.Matches(http, current.ETag)) return Problems.PreconditionFailed(t);
        }
        var published = await ProcessLibrary.PublishAsync(db, key, number, caller.PersonId, clock.GetUtcNow(), ct);
        if (published.Refusal == "not_found") return Problems.NotFound(t);
        if (published.Refusal == "already_published")
            return Problems.Conflict(t, "already-published", "process.invalid.title", t.Text("process.already_published", number));
        if (!published.Ok) return Invalid(t, published.Errors);
        await db.SaveChangesAsync(ct);
        http.Response.Headers.ETag = published.Version!.ETag;
        return TypedResults.Ok(new VersionSummary(number, "published", published.Version!.Changelog, published.Version.CreatedAt, published.Version.PublishedAt));
    }

    static async Task<IResult> Diff(string key, int? from, int? to, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.MayReadProcesses) return Problems.NotFound(t);
        if (from is null || to is null) return Problems.Validation(t, from is null ? "from" : "to", t.Text("validation.required"));
        var older = await ProcessLibrary.DefinitionAsync(db, key, from.Value, ct);
        var newer = await ProcessLibrary.DefinitionAsync(db, key, to.Value, ct);
        if (older is null || newer is null) return Problems.NotFound(t);
        return TypedResults.Ok(new DiffView(key, from.Value, to.Value, ProcessDiff.Compare(older, newer)));
    }

    static async Task<IResult> Lifecycle(string key, Action<Process> change, Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.MayManageProcesses) return Problems.NotFound(t);
        var process = await db.Processes.Include(p => p.Versions).SingleOrDefaultAsync(p => p.Key == key, ct);
        if (process is null) return Problems.NotFound(t);
        change(process);
        await db.SaveChangesAsync(ct);
        var desk = await db.Desks.Where(d => d.Id == process.DeskId).Select(d => d.Key).SingleAsync(ct);
        return TypedResults.Ok(Summary(process, desk));
    }

    /// <summary>A 400 problem listing every document error with its path and line, localised by code.</summary>
    static ValidationProblem Invalid(IStringLocalizer<Messages> t, IReadOnlyList<DocumentError> errors)
    {
        // Each error in the caller's language, with the line and column in the file it came from.
        var byPath = errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e =>
        {
            var localized = t[e.Code, [.. e.Args ?? []]];
            var message = localized.ResourceNotFound ? e.Message : localized.Value;
            return e.Line is { } line ? t.Text("process.at_line", message, line, e.Column ?? 1) : message;
        }).ToArray());
        return TypedResults.ValidationProblem(byPath, t.Text("process.invalid.detail"), type: "https://flowdesk.dev/problems/process-invalid", title: t.Text("process.invalid.title"));
    }

    static ProcessSummary Summary(Process p, string desk)
    {
        var newest = p.Versions.OrderByDescending(v => v.Number).FirstOrDefault();
        var shown = p.PublishedVersion is { } n ? p.Versions.Single(v => v.Number == n) : newest;
        var definition = shown?.Definition();
        return new ProcessSummary(p.Key, definition?.Name.For(CurrentLanguage.Get()) ?? p.Key, desk,
            definition?.Kind.ToString().ToLowerInvariant() ?? "request", p.PublishedVersion, p.Retired,
            p.Versions.OrderBy(v => v.Number).Select(v => new VersionSummary(v.Number, v.Status.ToString().ToLowerInvariant(), v.Changelog, v.CreatedAt, v.PublishedAt)).ToList());
    }
}

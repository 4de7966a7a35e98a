using System.Collections.Concurrent;
using Flowdesk.Persistence;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Documents;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Processes;

public sealed record LibraryResult(ProcessVersion? Version, IReadOnlyList<DocumentError> Errors, string? Refusal = null)
{
    public bool Ok => Version is not null && Errors.Count == 0 && Refusal is null;
}

/// <summary>
/// Storing, publishing and reading process versions. Published versions are immutable, so their parsed
/// definitions are cached for the life of the process.
/// </summary>
public static class ProcessLibrary
{
    static readonly ConcurrentDictionary<(string Key, int Version), ProcessDefinition> Published = new();

    /// <summary>The references a document may use: desks, groups, people, roles and processes of this installation.</summary>
    public static async Task<ProcessReferences> ReferencesAsync(FlowdeskDb db, CancellationToken ct) => new(
        (await db.Desks.Select(d => d.Key).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal),
        (await db.Groups.Select(g => g.Key).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal),
        (await db.Users.Where(u => !u.IsIntegration).Select(u => u.UserName!).ToListAsync(ct)).ToHashSet(StringComparer.OrdinalIgnoreCase),
        (await db.Roles.Select(r => r.Name!).ToListAsync(ct)).Concat(["requester", "technician", "desk-admin", "manager"]).ToHashSet(StringComparer.Ordinal),
        (await db.Processes.Select(p => p.Key).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal));

    /// <summary>
    /// Creates the process or revises its open draft, or starts a new draft after the newest published version.
    /// Validates first; nothing is saved when the document has errors. Does not call SaveChanges.
    /// </summary>
    /// <summary>The ETag of the process's open draft as it is now; null when it has none. What an edit must have started from.</summary>
    public static async Task<string?> DraftETagAsync(FlowdeskDb db, string key, CancellationToken ct) =>
        await db.ProcessVersions.AsNoTracking().Where(v => v.ProcessKey == key && v.Status == ProcessVersionStatus.Draft)
            .Select(v => new { v.Number, v.Revision }).SingleOrDefaultAsync(ct) is { } draft ? ProcessVersion.ETagOf(draft.Number, draft.Revision) : null;

    public static async Task<LibraryResult> SaveDraftAsync(FlowdeskDb db, ProcessDefinition definition, Guid authorId, DateTimeOffset now, CancellationToken ct)
    {
        var references = await ReferencesAsync(db, ct);
        var errors = ProcessValidator.Validate(definition, references);
        if (errors.Count > 0) return new LibraryResult(null, errors);

        var desk = await db.Desks.SingleAsync(d => d.Key == definition.Desk, ct);
        var process = await db.Processes.Include(p => p.Versions).SingleOrDefaultAsync(p => p.Key == definition.Key, ct);
        if (process is null)
        {
            process = new Process(definition.Key, desk.Id, now);
            db.Processes.Add(process);
        }
        else if (process.DeskId != desk.Id)
        {
            return new LibraryResult(null, [new DocumentError("/desk", "process.desk_changed", "A process stays on its desk; create a new process for another desk.")]);
        }

        var document = ProcessJson.Serialize(definition);
        var draft = process.Versions.SingleOrDefault(v => v.IsDraft);
        if (draft is not null)
        {
            draft.Revise(document, definition.Changelog, authorId, now);
            return new LibraryResult(draft, []);
        }
        var number = process.Versions.Count == 0 ? 1 : process.Versions.Max(v => v.Number) + 1;
        draft = new ProcessVersion(process, number, document, definition.Changelog, authorId, now);
        process.Versions.Add(draft);
        db.ProcessVersions.Add(draft);
        return new LibraryResult(draft, []);
    }

    /// <summary>Publishes a draft: it becomes immutable and what the catalog offers; the previous one is superseded.</summary>
    public static async Task<LibraryResult> PublishAsync(FlowdeskDb db, string key, int number, Guid by, DateTimeOffset now, CancellationToken ct)
    {
        var process = await db.Processes.Include(p => p.Versions).SingleOrDefaultAsync(p => p.Key == key, ct);
        var version = process?.Versions.SingleOrDefault(v => v.Number == number);
        if (process is null || version is null) return new LibraryResult(null, [], "not_found");
        if (!version.IsDraft) return new LibraryResult(null, [], "already_published");
        // Re-validate: a group or person the draft names may have gone since it was saved.
        var errors = ProcessValidator.Validate(version.Definition(), await ReferencesAsync(db, ct));
        if (errors.Count > 0) return new LibraryResult(null, errors);
        foreach (var previous in process.Versions.Where(v => v.Status == ProcessVersionStatus.Published)) previous.MarkSuperseded();
        version.MarkPublished(by, now);
        process.Publish(number);
        return new LibraryResult(version, []);
    }

    public static Task<bool> IsPublishedAsync(FlowdeskDb db, string key, int number, CancellationToken ct) =>
        db.ProcessVersions.AnyAsync(v => v.ProcessKey == key && v.Number == number && v.Status != ProcessVersionStatus.Draft, ct);

    /// <summary>A version's definition; published ones come from the cache.</summary>
    public static async Task<ProcessDefinition?> DefinitionAsync(FlowdeskDb db, string key, int number, CancellationToken ct)
    {
        if (Published.TryGetValue((key, number), out var cached)) return cached;
        var version = await db.ProcessVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ProcessKey == key && v.Number == number, ct);
        if (version is null) return null;
        var definition = version.Definition();
        if (!version.IsDraft) Published[(key, number)] = definition;
        return definition;
    }
}

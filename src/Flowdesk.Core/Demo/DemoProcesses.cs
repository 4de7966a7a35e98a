using Flowdesk.Desks;
using Flowdesk.Persistence;
using Flowdesk.Processes;
using Flowdesk.Processes.Definitions;
using Flowdesk.Processes.Documents;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Demo;

/// <summary>
/// The processes the product ships with (embedded YAML under Processes/Library): onboarding, laptop request
/// (two versions, so version analytics have something to compare), software access, password reset, incident.
/// </summary>
public static class DemoProcesses
{
    /// <summary>Library files in the order they are published; a key that appears twice gets two versions.</summary>
    public static readonly string[] Files =
        ["incident.yaml", "password-reset.yaml", "software-access.yaml", "laptop-request.v1.yaml", "laptop-request.v2.yaml", "onboarding.yaml"];

    public static ProcessDefinition Load(string file)
    {
        using var stream = typeof(DemoProcesses).Assembly.GetManifestResourceStream($"Flowdesk.Processes.Library.{file}")
            ?? throw new InvalidOperationException($"Process library file {file} is not embedded.");
        using var reader = new StreamReader(stream);
        var parsed = ProcessDocuments.FromYaml(reader.ReadToEnd());
        return parsed.Definition is { } definition && parsed.Errors.Count == 0
            ? definition
            : throw new InvalidOperationException($"{file}: " + string.Join("; ", parsed.Errors.Select(e => $"{e.Path} {e.Message} (line {e.Line})")));
    }

    /// <summary>Imports and publishes every library process, and sets the demo groups' assignment strategies.</summary>
    public static async Task SeedAsync(FlowdeskDb db, Guid authorId, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var (key, strategy) in new[] { ("it-identity", AssignmentStrategy.RoundRobin), ("service-desk", AssignmentStrategy.LeastOpen), ("it-desktop", AssignmentStrategy.RoundRobin) })
            (await db.Groups.SingleAsync(g => g.Key == key, ct)).Strategy = strategy;

        // Versions a few weeks apart, so the older laptop version has a history of its own.
        var step = 0;
        foreach (var file in Files)
        {
            var at = now.AddDays(-60 + 7 * step++);
            var definition = Load(file);
            var saved = await ProcessLibrary.SaveDraftAsync(db, definition, authorId, at, ct);
            if (!saved.Ok) throw new InvalidOperationException($"{file}: " + string.Join("; ", saved.Errors.Select(e => $"{e.Path} {e.Message}")));
            await db.SaveChangesAsync(ct);
            var published = await ProcessLibrary.PublishAsync(db, definition.Key, saved.Version!.Number, authorId, at, ct);
            if (!published.Ok) throw new InvalidOperationException($"{file}: " + string.Join("; ", published.Errors.Select(e => $"{e.Path} {e.Message}")));
            await db.SaveChangesAsync(ct);
        }
    }
}

using Flowdesk.Processes.Definitions;

namespace Flowdesk.Processes;

/// <summary>A process product: one row per key, with its versions. The catalog offers the newest published version.</summary>
public sealed class Process
{
    private Process() { }

    public Process(string key, Guid deskId, DateTimeOffset now)
    {
        Id = Ids.New();
        Key = key;
        DeskId = deskId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public string Key { get; private set; } = "";
    public Guid DeskId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>The version the catalog offers and new tickets pin; null until the first publish or after unpublishing.</summary>
    public int? PublishedVersion { get; private set; }
    /// <summary>A retired process is out of the catalog for good; its tickets keep running on their versions.</summary>
    public bool Retired { get; private set; }
    public List<ProcessVersion> Versions { get; private set; } = [];

    public void Publish(int version) { PublishedVersion = version; Retired = false; }
    public void Unpublish() => PublishedVersion = null;
    public void Retire() { Retired = true; PublishedVersion = null; }
}

public enum ProcessVersionStatus { Draft = 1, Published = 2, Superseded = 3 }

/// <summary>One version of a process document. Drafts change; a published version never does.</summary>
public sealed class ProcessVersion
{
    private ProcessVersion() { }

    public ProcessVersion(Process process, int number, string document, string? changelog, Guid authorId, DateTimeOffset now)
    {
        Id = Ids.New();
        ProcessId = process.Id;
        ProcessKey = process.Key;
        Number = number;
        Document = document;
        Changelog = changelog;
        Status = ProcessVersionStatus.Draft;
        CreatedAt = now;
        UpdatedAt = now;
        AuthorId = authorId;
    }

    public Guid Id { get; private set; }
    public Guid ProcessId { get; private set; }
    public string ProcessKey { get; private set; } = "";
    public int Number { get; private set; }
    public ProcessVersionStatus Status { get; private set; }
    /// <summary>The definition as JSON (ProcessJson).</summary>
    public string Document { get; private set; } = "";
    public string? Changelog { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public Guid AuthorId { get; private set; }
    public DateTimeOffset? PublishedAt { get; private set; }
    public Guid? PublishedById { get; private set; }
    /// <summary>Counts the draft's saves (concurrency token): two people saving the same draft cannot overwrite each other unseen.</summary>
    public int Revision { get; private set; } = 1;

    /// <summary>The version's ETag: its number and revision, so a new draft never matches an older one's tag.</summary>
    public string ETag => ETagOf(Number, Revision);

    public static string ETagOf(int number, int revision) => $"\"{number}.{revision}\"";

    public bool IsDraft => Status == ProcessVersionStatus.Draft;

    public void Revise(string document, string? changelog, Guid authorId, DateTimeOffset now)
    {
        if (!IsDraft) throw new InvalidOperationException("A published version never changes; edit a new draft.");
        Document = document;
        Changelog = changelog;
        AuthorId = authorId;
        UpdatedAt = now;
        Revision++;
    }

    public void MarkPublished(Guid by, DateTimeOffset now)
    {
        Revision++;
        Status = ProcessVersionStatus.Published;
        PublishedAt = now;
        PublishedById = by;
    }

    public void MarkSuperseded() => Status = ProcessVersionStatus.Superseded;

    public ProcessDefinition Definition() => ProcessJson.Deserialize(Document);
}

using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tickets;

/// <summary>A person's named queue: filters, sort and the columns they chose. Only its owner sees it.</summary>
public sealed class SavedView
{
    private SavedView() { }

    public SavedView(Guid personId, string name, IReadOnlyDictionary<string, string> filters, string sort, IReadOnlyList<string> columns, DateTimeOffset now)
    {
        Id = Ids.New();
        PersonId = personId;
        CreatedAt = now;
        Change(name, filters, sort, columns, now);
        Version = 1;
    }

    public Guid Id { get; private set; }
    public Guid PersonId { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>The filters as a JSON object of strings (queue, status, priority, desk, assignee, q).</summary>
    public string Filters { get; private set; } = "{}";
    public string Sort { get; private set; } = "";
    /// <summary>Column keys, comma-separated, in display order.</summary>
    public string Columns { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public int Version { get; private set; }

    public string ETag => $"\"{Version}\"";

    public IReadOnlyDictionary<string, string> FilterValues() =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(Filters) ?? [];

    public IReadOnlyList<string> ColumnKeys() => Columns.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public void Change(string name, IReadOnlyDictionary<string, string> filters, string sort, IReadOnlyList<string> columns, DateTimeOffset now)
    {
        Name = name;
        Filters = JsonSerializer.Serialize(filters.OrderBy(f => f.Key, StringComparer.Ordinal).ToDictionary(f => f.Key, f => f.Value));
        Sort = sort;
        Columns = string.Join(',', columns);
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>What a saved view may hold; the console's queue page offers exactly these.</summary>
public static class SavedViewRules
{
    public const int MaxPerPerson = 50;
    public const int NameMax = 100;

    public static readonly IReadOnlyList<string> Queues = ["mine", "groups", "unassigned", "breaching", "all"];
    public static readonly IReadOnlyList<string> FilterKeys = ["queue", "status", "priority", "desk", "assignee", "q"];
    public static readonly IReadOnlyList<string> ColumnKeys = ["number", "subject", "status", "priority", "desk", "group", "assignee", "requester", "created", "updated", "due"];
    public static readonly IReadOnlyList<string> DefaultColumns = ["number", "subject", "status", "priority", "desk", "assignee", "updated", "due"];
    public const string DefaultSort = "priority";

    /// <summary>The error code for one filter value, or null when it is acceptable.</summary>
    public static string? FilterError(string key, string value) => key switch
    {
        "queue" => Queues.Contains(value) ? null : "enum",
        "status" => value.Length <= 50 && value.All(c => c is (>= 'a' and <= 'z') or '_' or (>= '0' and <= '9')) && value.Length > 0 ? null : "enum",
        "priority" => value is "p1" or "p2" or "p3" or "p4" ? null : "enum",
        "desk" => value.Length is > 0 and <= 50 && !value.Any(char.IsControl) ? null : "enum",
        "assignee" => value is "me" or "none" ? null : "enum",
        "q" => value.Length <= 200 && !value.Any(char.IsControl) ? null : "too_long",
        _ => "unknown",
    };

    public static bool IsSort(string sort) => ColumnKeys.Contains(sort.StartsWith('-') ? sort[1..] : sort);
}

public static class SavedViewModel
{
    public static void Configure(ModelBuilder builder) => builder.Entity<SavedView>(v =>
    {
        v.ToTable("saved_views");
        v.Property(x => x.Name).HasMaxLength(SavedViewRules.NameMax);
        v.Property(x => x.Filters).HasMaxLength(2000);
        v.Property(x => x.Sort).HasMaxLength(50);
        v.Property(x => x.Columns).HasMaxLength(500);
        v.Property(x => x.Version).IsConcurrencyToken();
        v.Ignore(x => x.ETag);
        v.HasIndex(x => new { x.PersonId, x.Name }).IsUnique();
        v.HasOne<People.Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
    });
}

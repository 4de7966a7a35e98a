using System.Diagnostics;
using System.Text.Json;

namespace Flowdesk.Bench.Generation;

/// <summary>
/// Fills a database the app has already migrated and seeded (desks, groups, demo accounts) with a generated
/// organisation, through the bulk path, and writes the manifest the load generator reads.
/// </summary>
public static class Generator
{
    public static IReadOnlyList<IRecordSet> RecordSets { get; } = [new PeopleSet(), new TicketSet()];

    public sealed record Result(string Database, string Scale, double Seconds, Dictionary<string, long> Rows);

    public static Result Run(string database, string connection, Scale scale, string manifestPath, int seed, Action<string> log)
    {
        var watch = Stopwatch.StartNew();
        using var target = BulkTarget.Create(database, connection);
        if (target.Scalar("SELECT COUNT(*) FROM desks") == 0)
            throw new InvalidOperationException("the database has no desks: start Flowdesk on it once (Flowdesk:Demo=true, Flowdesk:DemoTickets=0) so it migrates and seeds");
        if (target.Scalar("SELECT COUNT(*) FROM tickets") > 0)
            throw new InvalidOperationException("the database already has tickets: generate into a freshly seeded database");

        var context = new GenerationContext(scale, DateTimeOffset.UtcNow, seed);
        foreach (var (id, key, prefix, last) in target.Desks()) context.Desks[key] = (id, prefix, last);
        foreach (var (key, id) in target.Keyed("SELECT key, id FROM groups")) context.Groups[key] = id;
        foreach (var (user, id) in target.Keyed("SELECT user_name, id FROM people WHERE user_name IS NOT NULL")) context.Accounts[user] = id;

        var tables = RecordSets.SelectMany(s => s.Tables).ToList();
        target.DropIndexes(tables);
        foreach (var set in RecordSets)
        {
            var step = Stopwatch.StartNew();
            set.Load(context, target, log);
            log($"{set.Name}: {step.Elapsed.TotalSeconds:F1} s");
        }
        var indexes = Stopwatch.StartNew();
        target.RebuildIndexes();
        log($"indexes rebuilt: {indexes.Elapsed.TotalSeconds:F1} s");
        target.Finish();

        var rows = tables.ToDictionary(t => t, t => target.Scalar($"SELECT COUNT(*) FROM {t}"));
        var seconds = watch.Elapsed.TotalSeconds;
        log($"loaded in {seconds:F1} s: {string.Join(", ", rows.Select(r => $"{r.Key} {r.Value:N0}"))}");
        File.WriteAllText(manifestPath, JsonSerializer.Serialize(context.Manifest, Json.Options));
        return new Result(database, scale.Name, seconds, rows);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Flowdesk.Calendars;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Sla;

/// <summary>A desk's SLA policies with the calendars they count in, each already turned into the clock's model.</summary>
public sealed record DeskSla(IReadOnlyList<SlaPolicy> Policies, IReadOnlyDictionary<Guid, (BusinessCalendar Calendar, WorkingCalendar Working)> Calendars);

/// <summary>
/// Every new ticket, priority change and transition computes due times from its desk's policies and their calendar:
/// two reads and a calendar built from the holiday data, on each of them. They change a few times a year, so they are
/// kept per database and desk for <see cref="Lifetime"/>. A save on this node that touches a policy, a calendar or a
/// calendar year forgets them all at once (before and after the save, <see cref="SlaReferenceInvalidation"/>); another
/// node's change shows here within the lifetime. What is kept is never changed: the entities are read without
/// tracking and the working calendar is immutable.
/// </summary>
public static class SlaReferences
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    static long generation;

    sealed record Entry(long Generation, long LoadedAt, DeskSla Value);

    static readonly ConcurrentDictionary<(string Database, Guid DeskId), Entry> Entries = new();

    public static async Task<DeskSla> ForDeskAsync(FlowdeskDb db, Guid deskId, CancellationToken ct)
    {
        var key = (db.Database.GetConnectionString() ?? "", deskId);
        // Loaded under the generation seen before reading: a change saved meanwhile makes this entry stale at once.
        var current = Interlocked.Read(ref generation);
        if (Entries.TryGetValue(key, out var entry) && entry.Generation == current && Stopwatch.GetElapsedTime(entry.LoadedAt) < Lifetime)
            return entry.Value;

        var policies = await db.SlaPolicies.AsNoTracking().Where(p => p.DeskId == deskId).ToListAsync(ct);
        var calendarIds = policies.Select(p => p.CalendarId).Distinct().ToList();
        var calendars = await db.BusinessCalendars.AsNoTracking().Include(c => c.Years).Where(c => calendarIds.Contains(c.Id)).ToListAsync(ct);
        var value = new DeskSla(policies, calendars.ToDictionary(c => c.Id, c => (c, c.ToWorkingCalendar())));
        Entries[key] = new Entry(current, Stopwatch.GetTimestamp(), value);
        return value;
    }

    /// <summary>Forgets every desk's references (they change rarely; one counter keeps it race-free).</summary>
    public static void ForgetEveryDesk() => Interlocked.Increment(ref generation);
}

/// <summary>Forgets the kept SLA references when a save touches a policy, a calendar or one of its years.</summary>
public sealed class SlaReferenceInvalidation : ForgetOnSave
{
    protected override bool Concerns(object entity) => entity is SlaPolicy or BusinessCalendar or CalendarYear;

    protected override void Forget() => SlaReferences.ForgetEveryDesk();
}

using Flowdesk.People;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Jobs;

/// <summary>
/// The person the jobs act as (SLA escalations, reminders, time-based rules), so history says "Flowdesk automation"
/// rather than naming whoever touched the ticket last. An inactive integration user: it cannot sign in, approve or
/// be assigned work. Created on first use.
/// </summary>
public static class AutomationActor
{
    public const string UserName = "flowdesk-automation";

    public static async Task<Guid> IdAsync(FlowdeskDb db, CancellationToken ct)
    {
        var normalized = UserName.ToUpperInvariant();
        var id = await db.Users.Where(p => p.NormalizedUserName == normalized).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(ct);
        if (id is { } existing) return existing;

        var person = new Person
        {
            UserName = UserName,
            NormalizedUserName = normalized,
            DisplayName = "Flowdesk 自动化 (automation)",
            IsIntegration = true,
            IsActive = false,
        };
        db.Users.Add(person);
        try
        {
            await db.SaveChangesAsync(ct);
            return person.Id;
        }
        catch (DbUpdateException)
        {
            // Another node created it at the same moment (unique user name): use theirs.
            db.Entry(person).State = EntityState.Detached;
            return await db.Users.Where(p => p.NormalizedUserName == normalized).Select(p => p.Id).SingleAsync(ct);
        }
    }
}

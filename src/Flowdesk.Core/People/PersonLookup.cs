using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.People;

public static class PersonLookup
{
    /// <summary>A person by user name (case-insensitive, as Identity normalises it) or by id.</summary>
    public static Task<Person?> FindAsync(FlowdeskDb db, string usernameOrId, CancellationToken ct)
    {
        if (Guid.TryParse(usernameOrId, out var id)) return db.Users.SingleOrDefaultAsync(p => p.Id == id, ct);
        var normalized = usernameOrId.Trim().ToUpperInvariant();
        return db.Users.SingleOrDefaultAsync(p => p.NormalizedUserName == normalized, ct);
    }
}

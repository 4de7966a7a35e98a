using Flowdesk.Desks;
using Flowdesk.People;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Security;

/// <summary>
/// Who is asking, with everything access decisions need: system roles, the desks they staff and their groups; and the
/// profile a form's defaults and conditions read (department, location, manager), so ordering does not read it again.
/// Loaded once per request (cached a few seconds, <see cref="CallerCache"/>); the scoping rules in <see cref="Access"/> read only this.
/// </summary>
public sealed record Caller(
    Guid PersonId,
    string UserName,
    string DisplayName,
    string Language,
    string TimeZone,
    IReadOnlySet<string> Roles,
    IReadOnlySet<Guid> StaffDeskIds,
    IReadOnlySet<Guid> AdminDeskIds,
    IReadOnlySet<Guid> GroupIds,
    IReadOnlySet<Guid> ConfidentialDeskIds,
    string? Department = null,
    string? Location = null,
    string? ManagerUserName = null)
{
    public bool IsSystemAdmin => Roles.Contains(SystemRoles.SystemAdmin);
    public bool IsAuditor => Roles.Contains(SystemRoles.Auditor);
    public bool IsProcessOwner => Roles.Contains(SystemRoles.ProcessOwner);
    /// <summary>Sees every ticket outside confidential desks (read-only for auditors).</summary>
    public bool SeesAllOpenDesks => IsSystemAdmin || IsAuditor;

    public bool IsStaffOf(Guid deskId) => StaffDeskIds.Contains(deskId);

    /// <summary>May read internal notes and act as staff on a ticket of this desk.</summary>
    public bool IsStaffFor(Guid deskId) =>
        StaffDeskIds.Contains(deskId) || (SeesAllOpenDesks && !ConfidentialDeskIds.Contains(deskId));

    /// <summary>May change a ticket of this desk beyond what a requester may (auditors only read).</summary>
    public bool MayWorkOn(Guid deskId) =>
        StaffDeskIds.Contains(deskId) || (IsSystemAdmin && !ConfidentialDeskIds.Contains(deskId));

    /// <summary>May read process definitions, versions and metrics: staff, process owners, auditors, admins.</summary>
    public bool MayReadProcesses => IsSystemAdmin || IsProcessOwner || IsAuditor || StaffDeskIds.Count > 0;

    /// <summary>May save, publish, unpublish and retire processes.</summary>
    public bool MayManageProcesses => IsSystemAdmin || IsProcessOwner;

    public IEnumerable<string> RoleNames()
    {
        yield return "requester";
        if (StaffDeskIds.Count > 0) yield return "technician";
        if (AdminDeskIds.Count > 0) yield return "desk-admin";
        foreach (var role in Roles.Order(StringComparer.Ordinal)) yield return role;
    }

    public static async Task<Caller?> LoadAsync(FlowdeskDb db, Guid personId, CancellationToken ct)
    {
        var person = await db.Users.AsNoTracking().Where(p => p.Id == personId && p.IsActive)
            .Select(p => new
            {
                p.Id, p.UserName, p.DisplayName, p.Language, p.TimeZone, p.Department, p.Location,
                Manager = db.Users.Where(m => m.Id == p.ManagerId).Select(m => m.UserName).FirstOrDefault(),
            })
            .SingleOrDefaultAsync(ct);
        if (person is null) return null;

        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ur.UserId == personId
                           select r.Name!).ToListAsync(ct);
        var desks = await db.DeskMembers.AsNoTracking().Where(m => m.PersonId == personId)
            .Select(m => new { m.DeskId, m.Role }).ToListAsync(ct);
        var groups = await db.GroupMembers.AsNoTracking().Where(m => m.PersonId == personId)
            .Select(m => m.GroupId).ToListAsync(ct);
        var confidential = await db.Desks.AsNoTracking().Where(d => d.Confidential).Select(d => d.Id).ToListAsync(ct);

        return new Caller(person.Id, person.UserName ?? "", person.DisplayName, person.Language, person.TimeZone,
            roles.ToHashSet(StringComparer.Ordinal),
            desks.Select(d => d.DeskId).ToHashSet(),
            desks.Where(d => d.Role == DeskRole.DeskAdmin).Select(d => d.DeskId).ToHashSet(),
            groups.ToHashSet(),
            confidential.ToHashSet(),
            person.Department, person.Location, person.Manager);
    }
}

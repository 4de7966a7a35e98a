using Flowdesk.Desks;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Processes;

/// <summary>
/// Picks the person of a group for new work by the group's strategy: manual (nobody — the group's queue),
/// round-robin, least open tickets, or by skill (category/service). Never someone marked away.
/// </summary>
public static class Assignment
{
    public static async Task<Guid?> PickAsync(FlowdeskDb db, Group group, string? skill, CancellationToken ct)
    {
        if (group.Strategy == AssignmentStrategy.Manual) return null;
        var groupId = group.Id;
        var members = await (from m in db.GroupMembers
                             join p in db.Users on m.PersonId equals p.Id
                             where m.GroupId == groupId && p.IsActive && !p.IsAway && !p.IsIntegration
                             orderby p.UserName
                             select new { p.Id, m.Skills }).ToListAsync(ct);
        if (members.Count == 0) return null;

        switch (group.Strategy)
        {
            case AssignmentStrategy.RoundRobin:
            {
                var last = members.FindIndex(m => m.Id == group.LastAssignedId);
                var next = members[(last + 1) % members.Count].Id;
                group.LastAssignedId = next;
                return next;
            }
            case AssignmentStrategy.LeastOpen:
            {
                var ids = members.Select(m => m.Id).ToList();
                var open = await db.Tickets
                    .Where(t => t.AssigneeId != null && ids.Contains(t.AssigneeId.Value) && t.ResolvedAt == null && t.ClosedAt == null)
                    .GroupBy(t => t.AssigneeId!.Value).Select(g => new { Id = g.Key, Count = g.Count() }).ToListAsync(ct);
                return members.OrderBy(m => open.FirstOrDefault(o => o.Id == m.Id)?.Count ?? 0).First().Id;
            }
            case AssignmentStrategy.Skill:
            {
                var skilled = skill is null ? null
                    : members.FirstOrDefault(m => (m.Skills ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(skill, StringComparer.OrdinalIgnoreCase));
                return (skilled ?? members[0]).Id;
            }
            default:
                return null;
        }
    }
}

using Flowdesk.Localization;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Web.Components.Console;

public sealed record DeskOption(Guid Id, string Key, string Name);

/// <summary>The desks a person works in the console: those they staff, and every open desk for admins and auditors.</summary>
public static class ConsoleDesks
{
    public static async Task<List<DeskOption>> ForAsync(FlowdeskDb db, Caller caller, CancellationToken ct)
    {
        var staff = caller.StaffDeskIds.ToArray();
        var allOpen = caller.SeesAllOpenDesks;
        var confidential = caller.ConfidentialDeskIds.ToArray();
        var rows = await db.Desks.AsNoTracking()
            .Where(d => staff.Contains(d.Id) || (allOpen && !confidential.Contains(d.Id)))
            .Select(d => new { d.Id, d.Key, d.NameEn, d.NameZh }).ToListAsync(ct);
        var chinese = Languages.IsChinese(CurrentLanguage.Get());
        return rows.Select(d => new DeskOption(d.Id, d.Key, chinese ? d.NameZh : d.NameEn))
            .OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
    }
}

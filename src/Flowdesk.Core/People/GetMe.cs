using Flowdesk.Persistence;
using Flowdesk.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.People;

public sealed record KeyName(string Key, string Name);

public sealed record MeView(Guid Id, string Username, string DisplayName, string? Email, string? Department, string? Manager,
    string? Location, string Language, string TimeZone, IReadOnlyList<string> Roles, IReadOnlyList<KeyName> Desks, IReadOnlyList<KeyName> Groups);

/// <summary>GET /me: who the caller is and what they staff.</summary>
public static class GetMeEndpoint
{
    public static void Map(IEndpointRouteBuilder api) => api.MapGet("/me", Handle).WithTags("People").WithSummary("The caller");

    static async Task<Ok<MeView>> Handle(Caller caller, FlowdeskDb db, CancellationToken ct)
    {
        var person = await db.Users.AsNoTracking().SingleAsync(p => p.Id == caller.PersonId, ct);
        var manager = person.ManagerId is { } managerId
            ? await db.Users.Where(p => p.Id == managerId).Select(p => p.UserName).SingleOrDefaultAsync(ct)
            : null;
        var language = Localization.CurrentLanguage.Get();
        var desks = await db.Desks.AsNoTracking().Where(d => caller.StaffDeskIds.Contains(d.Id)).OrderBy(d => d.Key).ToListAsync(ct);
        var groups = await db.Groups.AsNoTracking().Where(g => caller.GroupIds.Contains(g.Id)).OrderBy(g => g.Key).ToListAsync(ct);
        return TypedResults.Ok(new MeView(person.Id, person.UserName!, person.DisplayName, person.Email, person.Department, manager,
            person.Location, person.Language, person.TimeZone, caller.RoleNames().ToList(),
            desks.Select(d => new KeyName(d.Key, d.Name(language))).ToList(),
            groups.Select(g => new KeyName(g.Key, g.Name(language))).ToList()));
    }
}

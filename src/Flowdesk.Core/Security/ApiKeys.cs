using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.People;
using Flowdesk.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Security;

public sealed record CreateApiKey(string? Name, string[]? Desks);

public sealed record ApiKeyCreated(Guid Id, string Name, string UserName, string Key);

public sealed record ApiKeyView(Guid Id, string Name, string UserName, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// Admin-created API keys. Each key acts as its own integration user, staffing the desks it is given,
/// so an integration's reach is exactly what the admin granted and shows up in history under its name.
/// </summary>
public static class ApiKeysEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var keys = api.MapGroup("/admin/api-keys").WithTags("Admin");
        keys.MapPost("", Create).WithSummary("Create an API key (system admin)");
        keys.MapGet("", List).WithSummary("List API keys (system admin)");
        keys.MapDelete("/{id:guid}", Revoke).WithSummary("Revoke an API key (system admin)");
    }

    static async Task<Results<Created<ApiKeyCreated>, ProblemHttpResult, ValidationProblem>> Create(
        CreateApiKey request, Caller caller, FlowdeskDb db, UserManager<Person> users, TimeProvider clock,
        IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var errors = new FieldErrors(t);
        var name = errors.Line("name", request.Name, 100);
        var deskKeys = request.Desks ?? [];
        var desks = await db.Desks.Where(d => deskKeys.Contains(d.Key)).ToListAsync(ct);
        foreach (var missing in deskKeys.Except(desks.Select(d => d.Key)))
            errors.Add("desks", "validation.unknown_desk", missing);
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        var now = clock.GetUtcNow();
        var integration = new Person
        {
            UserName = $"api-{Ids.New():N}"[..20],
            DisplayName = name!,
            IsIntegration = true,
            Language = caller.Language,
        };
        var created = await users.CreateAsync(integration);
        if (!created.Succeeded) return Problems.Validation(t, "name", string.Join(" ", created.Errors.Select(e => e.Description)));
        foreach (var desk in desks) db.DeskMembers.Add(new Desks.DeskMember(desk.Id, integration.Id, Desks.DeskRole.Technician));
        var (secret, hash) = AccessToken.NewSecret(AccessTokenKind.ApiKey);
        var key = new AccessToken(integration.Id, AccessTokenKind.ApiKey, name!, hash, now, null);
        db.AccessTokens.Add(key);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/admin/api-keys/{key.Id}", new ApiKeyCreated(key.Id, key.Name, integration.UserName!, secret));
    }

    static async Task<Results<Ok<List<ApiKeyView>>, ProblemHttpResult>> List(Caller caller, FlowdeskDb db, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var keys = await (from k in db.AccessTokens
                          join p in db.Users on k.PersonId equals p.Id
                          where k.Kind == AccessTokenKind.ApiKey
                          orderby k.CreatedAt
                          select new ApiKeyView(k.Id, k.Name, p.UserName!, k.CreatedAt, k.RevokedAt)).ToListAsync(ct);
        return TypedResults.Ok(keys);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Revoke(Guid id, Caller caller, FlowdeskDb db, TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        if (!caller.IsSystemAdmin) return Problems.NotFound(t);
        var key = await db.AccessTokens.SingleOrDefaultAsync(k => k.Id == id && k.Kind == AccessTokenKind.ApiKey, ct);
        if (key is null) return Problems.NotFound(t);
        key.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}

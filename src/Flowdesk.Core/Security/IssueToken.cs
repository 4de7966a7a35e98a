using Flowdesk.Api;
using Flowdesk.Localization;
using Flowdesk.People;
using Flowdesk.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Localization;

namespace Flowdesk.Security;

public sealed record TokenRequest(string? Username, string? Password);

public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

/// <summary>POST /auth/token: a person trades user name and password for a bearer token (12 hours).</summary>
public static class IssueTokenEndpoint
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/auth/token", Handle).AllowAnonymous().RequireRateLimiting("credentials").WithTags("Auth")
            .WithSummary("Get a bearer token for a person");

    static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> Handle(
        TokenRequest request, FlowdeskDb db, UserManager<Person> users, SignInManager<Person> signIn,
        TimeProvider clock, IStringLocalizer<Messages> t, CancellationToken ct)
    {
        var errors = new FieldErrors(t);
        var userName = errors.Line("username", request.Username, 256);
        if (string.IsNullOrEmpty(request.Password)) errors.Add("password", "validation.required");
        if (errors.Any) return Problems.Validation(t, errors.ToDictionary());

        var person = await users.FindByNameAsync(userName!);
        if (person is null || !person.IsActive || person.IsIntegration)
            return Problems.Unauthorized(t, "problem.credentials.title", "problem.credentials.detail");
        var check = await signIn.CheckPasswordSignInAsync(person, request.Password!, lockoutOnFailure: true);
        if (!check.Succeeded)
            return Problems.Unauthorized(t, "problem.credentials.title", "problem.credentials.detail");

        var now = clock.GetUtcNow();
        var (secret, hash) = AccessToken.NewSecret(AccessTokenKind.Session);
        var expiresAt = now + Lifetime;
        db.AccessTokens.Add(new AccessToken(person.Id, AccessTokenKind.Session, "api session", hash, now, expiresAt));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new TokenResponse(secret, expiresAt));
    }
}

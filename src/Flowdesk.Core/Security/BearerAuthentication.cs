using System.Security.Claims;
using System.Text.Encodings.Web;
using Flowdesk.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Flowdesk.Security;

/// <summary>
/// Authenticates `Authorization: Bearer …` with a person's session token or an API key. Tokens are opaque
/// random secrets whose hash is looked up, so revoking one works at once on every node.
/// </summary>
public sealed class BearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    FlowdeskDb db, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var secret = header["Bearer ".Length..].Trim();
        if (secret.Length is 0 or > 200) return AuthenticateResult.Fail("Malformed token.");

        var hash = AccessToken.HashOf(secret);
        var now = clock.GetUtcNow();
        var token = await db.AccessTokens.AsNoTracking()
            .Where(t => t.Hash == hash)
            .Select(t => new { t.PersonId, t.RevokedAt, t.ExpiresAt, t.Kind })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (token is null || token.RevokedAt is not null || (token.ExpiresAt is { } expires && expires <= now))
            return AuthenticateResult.Fail("Invalid or expired token.");

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, token.PersonId.ToString()), new Claim("token_kind", token.Kind.ToString())],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Api.Problems.Write(Context, 401, "problem.unauthorized.title", "problem.unauthorized.detail");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 403;
        await Api.Problems.Write(Context, 403, "problem.forbidden.title", "problem.forbidden.detail");
    }
}

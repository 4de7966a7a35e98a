using System.Net;
using System.Text.Json;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Web.Startup;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Platform;

/// <summary>
/// What the global exception handler answers for failures that escape an endpoint: a concurrent change of the same
/// rows is a 409 and a busy SQLite a 503 with Retry-After (both safe to send again), anything else a 500 that reveals
/// nothing. Driven through the handler itself with the host's services, since no endpoint fails like this on demand.
/// </summary>
public sealed class ExceptionMappingTests(FlowdeskApp app) : IClassFixture<FlowdeskApp>
{
    async Task<(int Status, IHeaderDictionary Headers, JsonElement Problem, string Body)> HandleAsync(Exception error)
    {
        using var scope = app.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Features.Set<IExceptionHandlerFeature>(new ExceptionHandlerFeature { Error = error, Path = "/api/v1/tickets" });
        using var body = new MemoryStream();
        context.Response.Body = body;
        await HostSetup.HandleException(context);
        var text = System.Text.Encoding.UTF8.GetString(body.ToArray());
        Assert.StartsWith("application/problem+json", context.Response.ContentType, StringComparison.Ordinal);
        return (context.Response.StatusCode, context.Response.Headers, JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    [Fact]
    public async Task AConcurrentChange_Is409_NotA500()
    {
        var (status, _, problem, _) = await HandleAsync(new DbUpdateConcurrencyException("row version changed"));
        Assert.Equal((int)HttpStatusCode.Conflict, status);
        Assert.Equal(409, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task ABusyOrLockedSqliteDatabase_Is503_WithRetryAfter()
    {
        foreach (var code in new[] { 5, 6 })
        {
            var (status, headers, problem, _) = await HandleAsync(new SqliteException("database is locked", code));
            Assert.Equal((int)HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("5", headers.RetryAfter.ToString());
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
        }
    }

    [Fact]
    public async Task AnyOtherSqliteErrorOrFailure_Is500_AndRevealsNothing()
    {
        foreach (Exception error in new Exception[] { new SqliteException("UNIQUE constraint failed: secret_table", 19), new InvalidOperationException("secret detail") })
        {
            var (status, _, _, body) = await HandleAsync(error);
            Assert.Equal((int)HttpStatusCode.InternalServerError, status);
            Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        }
    }
}

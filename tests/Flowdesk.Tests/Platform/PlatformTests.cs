using System.Net;
using Flowdesk.Tests.Infrastructure;

namespace Flowdesk.Tests.Platform;

[Collection(ApiCollection.Name)]
public sealed class PlatformTests(FlowdeskApp app)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/api/v1/openapi.json")]
    [InlineData("/api/v1/tickets")]
    [InlineData("/api/v1/no-such-thing")]
    [InlineData("/signin")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        using var client = app.Anonymous();
        var response = await client.GetAsync(path);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Health_endpoints_answer_when_the_database_is_migrated()
    {
        using var client = app.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_ticket_resources()
    {
        using var client = app.Anonymous();
        var document = await (await client.GetAsync("/api/v1/openapi.json")).ShouldBe(HttpStatusCode.OK);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/v1/me", "/api/v1/desks", "/api/v1/tickets", "/api/v1/tickets/{id}", "/api/v1/tickets/{id}/transitions",
                     "/api/v1/tickets/{id}/comments", "/api/v1/tickets/{id}/history", "/api/v1/auth/token" })
            Assert.Contains(path, paths);
        var docs = await client.GetAsync("/api/docs/");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
    }

    [Fact]
    public async Task Unknown_api_paths_answer_404_problem_details()
    {
        var alice = await app.ClientFor("alice");
        var response = await alice.GetAsync("/api/v1/definitely/not/here");
        var problem = await response.ShouldBe(HttpStatusCode.NotFound);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }
}

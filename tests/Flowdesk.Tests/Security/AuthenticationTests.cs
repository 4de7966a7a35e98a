using System.Net;
using System.Net.Http.Json;
using Flowdesk.Tests.Infrastructure;

namespace Flowdesk.Tests.Security;

[Collection(ApiCollection.Name)]
public sealed class AuthenticationTests(FlowdeskApp app)
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer fdt_not-a-real-token")]
    [InlineData("Bearer ")]
    [InlineData("Basic YWxpY2U6Rmxvd2Rlc2shMjAyNg==")]
    public async Task Api_without_a_valid_token_answers_401_problem(string? authorization)
    {
        using var client = app.Anonymous();
        if (authorization is not null) client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        var response = await client.GetAsync("/api/v1/tickets");
        var problem = await response.ShouldBe(HttpStatusCode.Unauthorized);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_answer()
    {
        using var client = app.Anonymous();
        var wrong = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "carol", password = "wrong" }))
            .ShouldBe(HttpStatusCode.Unauthorized);
        var unknown = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "nobody-at-all", password = "wrong" }))
            .ShouldBe(HttpStatusCode.Unauthorized);
        Assert.Equal(wrong.Str("title"), unknown.Str("title"));
        Assert.Equal(wrong.Str("detail"), unknown.Str("detail"));
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_even_for_the_right_password()
    {
        await app.CreatePersonAsync("locky");
        using var client = app.Anonymous();
        for (var i = 0; i < 5; i++)
            await (await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "locky", password = $"guess-{i}" })).ShouldBe(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "locky", password = FlowdeskApp.Password })).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_requests_need_both_fields()
    {
        using var client = app.Anonymous();
        var problem = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "" })).ShouldBe(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey("username"));
        Assert.True(problem.Errors().ContainsKey("password"));
    }

    [Fact]
    public async Task A_token_works_until_it_is_used_by_someone_else_never()
    {
        using var client = app.Anonymous();
        var token = await (await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "bob", password = FlowdeskApp.Password })).ShouldBe(HttpStatusCode.OK);
        Assert.StartsWith("fdt_", token.Str("token"));
        Assert.True(token.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(11));
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.Str("token"));
        var me = await (await client.GetAsync("/api/v1/me")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("bob", me.Str("username"));
        Assert.Equal("alice", (await (await (await app.ClientFor("alice")).GetAsync("/api/v1/me")).ShouldBe(HttpStatusCode.OK)).Str("username"));
    }
}

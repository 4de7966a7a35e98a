using System.Net;
using System.Net.Http.Json;
using System.Text;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tests.Tickets;

/// <summary>Every bad input gets a 400 or 413 problem that names the field, and nothing is created.</summary>
[Collection(ApiCollection.Name)]
public sealed class TicketValidationTests(FlowdeskApp app)
{
    public static TheoryData<string, string, string> BadCreates => new()
    {
        { "missing kind", """{"desk":"it","subject":"s"}""", "kind" },
        { "kind not a ticket", """{"kind":"change","desk":"it","subject":"s"}""", "kind" },
        { "missing desk", """{"kind":"incident","subject":"s"}""", "desk" },
        { "unknown desk", """{"kind":"incident","desk":"finance","subject":"s"}""", "desk" },
        { "missing subject", """{"kind":"incident","desk":"it"}""", "subject" },
        { "blank subject", """{"kind":"incident","desk":"it","subject":"   "}""", "subject" },
        { "subject too long", $$"""{"kind":"incident","desk":"it","subject":"{{new string('x', 201)}}"}""", "subject" },
        { "control characters in subject", """{"kind":"incident","desk":"it","subject":"bell\u0007here"}""", "subject" },
        { "line break in subject", """{"kind":"incident","desk":"it","subject":"two\nlines"}""", "subject" },
        { "control characters in description", """{"kind":"incident","desk":"it","subject":"s","description":"nul\u0000byte"}""", "description" },
        { "description too long", $$"""{"kind":"incident","desk":"it","subject":"s","description":"{{new string('d', 20001)}}"}""", "description" },
        { "unknown requester", """{"kind":"incident","desk":"it","subject":"s","requester":"nobody"}""", "requester" },
        { "filing for someone else without being staff", """{"kind":"incident","desk":"it","subject":"s","requester":"bob"}""", "requester" },
        { "unknown watcher", """{"kind":"incident","desk":"it","subject":"s","watchers":["ghost"]}""", "watchers" },
        { "fields too large", $$$"""{"kind":"incident","desk":"it","subject":"s","fields":{"big":"{{{new string('f', 70000)}}}"}}""", "fields" },
    };

    [Theory, MemberData(nameof(BadCreates))]
    public async Task Create_with_bad_fields_answers_400_naming_the_field_and_creates_nothing(string why, string json, string field)
    {
        var alice = await app.ClientFor("alice");
        var before = await app.Db(db => db.Tickets.CountAsync());
        var response = await alice.PostJson("/api/v1/tickets", json);
        var problem = await response.ShouldBe(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey(field), $"{why}: expected an error for '{field}' in {problem}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await app.Db(db => db.Tickets.CountAsync()));
    }

    public static TheoryData<string, string> Unreadable => new()
    {
        { "malformed JSON", """{"kind":"incident","desk":"it","subject":""" },
        { "not JSON at all", "subject=hello" },
        { "wrong type", """{"kind":"incident","desk":"it","subject":123}""" },
        { "unknown enum value", """{"kind":"wish","desk":"it","subject":"s"}""" },
        { "enum as a number", """{"kind":1,"desk":"it","subject":"s"}""" },
        { "unknown priority", """{"kind":"incident","desk":"it","subject":"s","priority":"p9"}""" },
        { "array instead of object", """[1,2,3]""" },
        { "fields not an object", """{"kind":"incident","desk":"it","subject":"s","fields":"text"}""" },
        { "empty body", "" },
    };

    [Theory, MemberData(nameof(Unreadable))]
    public async Task Unreadable_bodies_answer_400_problem_details(string why, string body)
    {
        var alice = await app.ClientFor("alice");
        var before = await app.Db(db => db.Tickets.CountAsync());
        var response = await alice.PostJson("/api/v1/tickets", body);
        var problem = await response.ShouldBe(HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.Str("detail")), why);
        Assert.Equal(before, await app.Db(db => db.Tickets.CountAsync()));
    }

    [Fact]
    public async Task A_ten_megabyte_subject_is_refused_with_413_and_the_server_stays_up()
    {
        var alice = await app.ClientFor("alice");
        var json = $$"""{"kind":"incident","desk":"it","subject":"{{new string('A', 10 * 1024 * 1024)}}"}""";
        var response = await alice.PostJson("/api/v1/tickets", json);
        var problem = await response.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        await (await alice.GetAsync("/api/v1/me")).ShouldBe(HttpStatusCode.OK);
    }

    public static TheoryData<string, string> BadQueries => new()
    {
        { "page=0", "page" },
        { "page=abc", "page" },
        { "page=-1", "page" },
        { "page=2147483647&pageSize=200", "page" }, // its offset would overflow (PostgreSQL refuses a negative OFFSET)
        { "pageSize=201", "pageSize" },
        { "pageSize=0", "pageSize" },
        { "sort=-password", "sort" },
        { "createdFrom=yesterday", "createdFrom" },
        { "priority=p9", "priority" },
        { "kind=wish", "kind" },
        { "kind=1", "kind" },
    };

    [Theory, MemberData(nameof(BadQueries))]
    public async Task List_with_bad_parameters_answers_400_naming_the_parameter(string query, string field)
    {
        var alice = await app.ClientFor("alice");
        var problem = await (await alice.GetAsync($"/api/v1/tickets?{query}")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey(field), $"{query}: {problem}");
    }

    [Fact]
    public async Task Patch_validates_like_create_and_needs_at_least_one_field()
    {
        var li = await app.ClientFor("li.agent");
        var ticket = await li.CreateTicket(subject: "Keep me");
        var etag = (await li.GetAsync($"/api/v1/tickets/{ticket.Id()}")).Headers.ETag!.Tag;
        var empty = await (await li.PatchJson($"/api/v1/tickets/{ticket.Id()}", new { }, etag)).ShouldBe(HttpStatusCode.BadRequest);
        Assert.True(empty.Errors().ContainsKey("body"));
        var bad = await (await li.PatchJson($"/api/v1/tickets/{ticket.Id()}", new { subject = "x\u0001y", assignee = 5 }, etag)).ShouldBe(HttpStatusCode.BadRequest);
        Assert.True(bad.Errors().ContainsKey("subject"));
        Assert.True(bad.Errors().ContainsKey("assignee"));
        var afterResponse = await li.GetAsync($"/api/v1/tickets/{ticket.Id()}");
        var after = await afterResponse.ShouldBe(HttpStatusCode.OK);
        Assert.Equal("Keep me", after.Str("subject"));
        Assert.Equal(etag, afterResponse.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Comments_must_have_a_body()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket();
        var problem = await (await alice.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id()}/comments", new { body = " " })).ShouldBe(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey("body"));
    }

    [Fact]
    public async Task Validation_messages_follow_Accept_Language()
    {
        var alice = await app.ClientFor("alice");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tickets")
        {
            Content = new StringContent("""{"kind":"incident","desk":"it"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var problem = await (await alice.SendAsync(request)).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Equal("此字段为必填项。", problem.Errors()["subject"][0]);
        Assert.Equal("部分字段无效", problem.Str("title"));
    }
}

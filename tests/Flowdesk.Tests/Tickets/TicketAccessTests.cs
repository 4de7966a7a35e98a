using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Flowdesk.People;
using Flowdesk.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Tickets;

/// <summary>
/// Who sees and may change what: each kind of caller against an IT ticket, a confidential HR case and a
/// facilities ticket with a watcher, over get, list, update, comment, history and the conversation.
/// </summary>
public sealed class TicketAccessTests(TicketAccessTests.World world) : IClassFixture<TicketAccessTests.World>
{
    public sealed class World : FlowdeskApp
    {
        public Dictionary<string, JsonElement> Tickets { get; } = [];

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await InScope(async sp =>
            {
                var users = sp.GetRequiredService<UserManager<Person>>();
                var auditor = new Person { UserName = "audrey", DisplayName = "Audrey Auditor" };
                await users.CreateAsync(auditor, Password);
                await users.AddToRoleAsync(auditor, SystemRoles.Auditor);
            });
            var alice = await ClientFor("alice");
            var carol = await ClientFor("carol");
            var bob = await ClientFor("bob");
            var li = await ClientFor("li.agent");
            var zhang = await ClientFor("zhang.hr");

            Tickets["it"] = await alice.CreateTicket("it", "VPN drops every 10 minutes");
            Tickets["hr"] = await carol.CreateTicket("hr", "工资条有误 salary slip wrong", "request");
            Tickets["facilities"] = await bob.CreateTicket("facilities", "Projector broken in room 12A", "incident", new { watchers = new[] { "alice" } });

            await (await li.PostAsJsonAsync($"/api/v1/tickets/{Tickets["it"].Id()}/comments", new { body = "IT-SECRET-NOTE checked AD", @internal = true })).ShouldBe(HttpStatusCode.Created);
            await (await li.PostAsJsonAsync($"/api/v1/tickets/{Tickets["it"].Id()}/comments", new { body = "Please reconnect and tell me.", @internal = false })).ShouldBe(HttpStatusCode.Created);
            await (await zhang.PostAsJsonAsync($"/api/v1/tickets/{Tickets["hr"].Id()}/comments", new { body = "HR-SECRET-NOTE 核对薪资", @internal = true })).ShouldBe(HttpStatusCode.Created);
        }

    }

    // user, ticket, may see, may update (PATCH), may comment publicly, sees internal notes
    public static TheoryData<string, string, bool, bool, bool, bool> Matrix => new()
    {
        { "alice", "it", true, false, true, false },
        { "li.agent", "it", true, true, true, true },
        { "zhang.hr", "it", false, false, false, false },
        { "bob", "it", false, false, false, false },
        { "admin", "it", true, true, true, true },
        { "audrey", "it", true, false, false, true },

        { "carol", "hr", true, false, true, false },
        { "zhang.hr", "hr", true, true, true, true },
        { "li.agent", "hr", false, false, false, false },
        { "alice", "hr", false, false, false, false },
        { "admin", "hr", false, false, false, false },
        { "audrey", "hr", false, false, false, false },

        { "bob", "facilities", true, false, true, false },
        { "alice", "facilities", true, false, true, false },
        { "li.agent", "facilities", false, false, false, false },
        { "wang.fac", "facilities", true, true, true, true },
        { "admin", "facilities", true, true, true, true },
    };

    [Theory, MemberData(nameof(Matrix))]
    public async Task Get_answers_404_exactly_like_a_missing_ticket_unless_visible(string user, string ticket, bool sees, bool _, bool __, bool ___)
    {
        var client = await world.ClientFor(user);
        var response = await client.GetAsync($"/api/v1/tickets/{world.Tickets[ticket].Id()}");
        if (sees)
        {
            await response.ShouldBe(HttpStatusCode.OK);
            return;
        }
        var hidden = await response.ShouldBe(HttpStatusCode.NotFound);
        var missing = await (await client.GetAsync($"/api/v1/tickets/{Guid.NewGuid()}")).ShouldBe(HttpStatusCode.NotFound);
        Assert.Equal(Without(missing, "traceId", "instance"), Without(hidden, "traceId", "instance"));
        // By number too: the human number is no side door.
        await (await client.GetAsync($"/api/v1/tickets/{world.Tickets[ticket].Str("number")}")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Matrix))]
    public async Task List_search_and_count_show_only_visible_tickets(string user, string ticket, bool sees, bool _, bool __, bool ___)
    {
        var client = await world.ClientFor(user);
        var number = world.Tickets[ticket].Str("number");
        var list = await (await client.GetAsync($"/api/v1/tickets?pageSize=200&q={number}")).ShouldBe(HttpStatusCode.OK);
        var numbers = list.GetProperty("items").EnumerateArray().Select(t => t.Str("number")).ToList();
        Assert.Equal(sees, numbers.Contains(number));
        Assert.Equal(sees ? 1 : 0, list.GetProperty("total").GetInt32());
        var byDesk = await (await client.GetAsync($"/api/v1/tickets?pageSize=200&desk={ticket}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(sees, byDesk.GetProperty("items").EnumerateArray().Any(t => t.Str("number") == number));
    }

    [Theory, MemberData(nameof(Matrix))]
    public async Task Update_is_for_staff_of_the_desk(string user, string ticket, bool sees, bool mayUpdate, bool _, bool __)
    {
        var client = await world.ClientFor(user);
        var id = world.Tickets[ticket].Id();
        var current = await client.GetAsync($"/api/v1/tickets/{id}");
        var etag = current.Headers.ETag?.Tag ?? "\"1\"";
        var response = await client.PatchJson($"/api/v1/tickets/{id}", new { category = "matrix-" + user }, etag);
        await response.ShouldBe(mayUpdate ? HttpStatusCode.OK : sees ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Matrix))]
    public async Task Comments_hide_internal_notes_from_everyone_but_staff(string user, string ticket, bool sees, bool _, bool mayComment, bool seesInternal)
    {
        var client = await world.ClientFor(user);
        var id = world.Tickets[ticket].Id();
        var list = await client.GetAsync($"/api/v1/tickets/{id}/comments");
        if (!sees)
        {
            await list.ShouldBe(HttpStatusCode.NotFound);
        }
        else
        {
            var comments = await list.ShouldBe(HttpStatusCode.OK);
            var bodies = string.Join("\n", comments.EnumerateArray().Select(c => c.Str("body")));
            var hasInternal = comments.EnumerateArray().Any(c => c.GetProperty("internal").GetBoolean());
            if (ticket != "facilities") Assert.Equal(seesInternal, hasInternal);
            if (!seesInternal) Assert.DoesNotContain("SECRET-NOTE", bodies);
        }

        var reply = await client.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = $"reply from {user}" });
        await reply.ShouldBe(mayComment ? HttpStatusCode.Created : sees ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound);

        var note = await client.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { body = "note", @internal = true });
        var mayNote = mayComment && seesInternal;
        await note.ShouldBe(mayNote ? HttpStatusCode.Created : sees ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Matrix))]
    public async Task History_follows_the_ticket(string user, string ticket, bool sees, bool _, bool __, bool ___)
    {
        var client = await world.ClientFor(user);
        var response = await client.GetAsync($"/api/v1/tickets/{world.Tickets[ticket].Id()}/history");
        if (!sees)
        {
            await response.ShouldBe(HttpStatusCode.NotFound);
            return;
        }
        var history = await response.ShouldBe(HttpStatusCode.OK);
        Assert.Contains(history.EnumerateArray(), h => h.Str("field") == "created");
        Assert.DoesNotContain("SECRET-NOTE", history.GetRawText());
    }

    [Theory, MemberData(nameof(Matrix))]
    public async Task Transitions_are_refused_to_those_who_cannot_see_or_work_the_ticket(string user, string ticket, bool sees, bool mayUpdate, bool _, bool __)
    {
        var client = await world.ClientFor(user);
        // "in_progress" from "new" is a staff move; a requester may only cancel.
        var response = await client.PostAsJsonAsync($"/api/v1/tickets/{world.Tickets[ticket].Id()}/transitions", new { to = "no_such_state" });
        var expected = mayUpdate ? HttpStatusCode.Conflict
            : !sees ? HttpStatusCode.NotFound
            : IsRequester(user, ticket) ? HttpStatusCode.Conflict
            : HttpStatusCode.Forbidden;
        await response.ShouldBe(expected);
    }

    [Fact]
    public async Task An_api_key_acts_only_on_the_desks_it_was_given()
    {
        var admin = await world.ClientFor("admin");
        var created = await (await admin.PostAsJsonAsync("/api/v1/admin/api-keys", new { name = "Monitoring", desks = new[] { "it" } }))
            .ShouldBe(HttpStatusCode.Created);
        var key = created.Str("key");
        using var integration = world.Anonymous();
        integration.DefaultRequestHeaders.Authorization = new("Bearer", key);

        await (await integration.GetAsync($"/api/v1/tickets/{world.Tickets["it"].Id()}")).ShouldBe(HttpStatusCode.OK);
        await (await integration.GetAsync($"/api/v1/tickets/{world.Tickets["hr"].Id()}")).ShouldBe(HttpStatusCode.NotFound);
        await (await integration.GetAsync($"/api/v1/tickets/{world.Tickets["facilities"].Id()}")).ShouldBe(HttpStatusCode.NotFound);
        var me = await (await integration.GetAsync("/api/v1/me")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("Monitoring", me.Str("displayName"));

        await (await admin.DeleteAsync($"/api/v1/admin/api-keys/{created.Str("id")}")).ShouldBe(HttpStatusCode.NoContent);
        await (await integration.GetAsync($"/api/v1/tickets/{world.Tickets["it"].Id()}")).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Only_system_admins_manage_api_keys_and_others_learn_nothing()
    {
        var li = await world.ClientFor("li.agent");
        await (await li.PostAsJsonAsync("/api/v1/admin/api-keys", new { name = "sneaky", desks = new[] { "hr" } })).ShouldBe(HttpStatusCode.NotFound);
        await (await li.GetAsync("/api/v1/admin/api-keys")).ShouldBe(HttpStatusCode.NotFound);
    }

    static bool IsRequester(string user, string ticket) =>
        (user, ticket) is ("alice", "it") or ("carol", "hr") or ("bob", "facilities");

    static string Without(JsonElement problem, params string[] names) =>
        JsonSerializer.Serialize(problem.EnumerateObject().Where(p => !names.Contains(p.Name)).ToDictionary(p => p.Name, p => p.Value.ToString()));
}

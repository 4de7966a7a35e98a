using System.Net;
using System.Text.Json;
using Flowdesk.Persistence;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Tickets;

/// <summary>
/// GET /tickets?q= through the database's search index (SQLite FTS5 trigram, PostgreSQL character-pair GIN):
/// Chinese inside words, two-character Chinese words, English in any case, numbers, access, edits, bounded counts.
/// Run twice: with the "newest tickets first" shortcut on (the default) and off, so both plans answer alike.
/// </summary>
public abstract class TicketSearchTests(TicketSearchTests.World world)
{
    public class World : FlowdeskApp
    {
        public Dictionary<string, JsonElement> Tickets { get; } = [];

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            var alice = await ClientFor("alice");
            var bob = await ClientFor("bob");
            Tickets["printer"] = await alice.CreateTicket("it", "办公室打印机无法连接");
            Tickets["password"] = await alice.CreateTicket("it", "忘记密码");
            Tickets["expired"] = await alice.CreateTicket("it", "密码过期无法登录");
            Tickets["vpn"] = await alice.CreateTicket("it", "VPN keeps dropping");
            Tickets["outlook"] = await alice.CreateTicket("it", "Mail problem", extra: new { description = "Outlook crashes on start; 打印 works." });
            Tickets["aircon"] = await bob.CreateTicket("facilities", "会议室空调太冷");
        }
    }

    /// <summary>The index path for every search, as at a million tickets.</summary>
    public sealed class IndexOnlyWorld : World
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Flowdesk:Search:RecentWindow", "0")];
    }

    async Task<List<string>> Numbers(string user, string q)
    {
        var client = await world.ClientFor(user);
        var page = await (await client.GetAsync($"/api/v1/tickets?q={Uri.EscapeDataString(q)}&pageSize=200")).ShouldBe(HttpStatusCode.OK);
        return page.GetProperty("items").EnumerateArray().Select(t => t.Str("number")).ToList();
    }

    string Number(string key) => world.Tickets[key].Str("number");

    [Fact]
    public async Task Chinese_word_inside_a_sentence_is_found()
    {
        var found = await Numbers("li.agent", "打印机");
        Assert.Contains(Number("printer"), found);
        Assert.DoesNotContain(Number("vpn"), found);
    }

    [Fact]
    public async Task Two_character_Chinese_word_is_found_anywhere_in_the_text_including_at_its_end()
    {
        var found = await Numbers("li.agent", "密码");
        Assert.Contains(Number("password"), found);   // 忘记密码: the word ends the subject
        Assert.Contains(Number("expired"), found);    // 密码过期…: the word starts it
        Assert.DoesNotContain(Number("printer"), found);
    }

    [Fact]
    public async Task Two_character_word_in_a_description_is_found()
    {
        var found = await Numbers("li.agent", "打印");
        Assert.Contains(Number("outlook"), found);
        Assert.Contains(Number("printer"), found);
    }

    [Theory]
    [InlineData("vpn")]
    [InlineData("VPN KEEPS")]
    [InlineData("  keeps   dropping ")]
    public async Task English_is_found_in_any_case_with_spaces_normalised(string q) =>
        Assert.Contains(Number("vpn"), await Numbers("li.agent", q));

    [Fact]
    public async Task Description_text_is_searched() =>
        Assert.Equal([Number("outlook")], await Numbers("li.agent", "OUTLOOK crash"));

    [Fact]
    public async Task Ticket_number_is_found() =>
        Assert.Equal([Number("vpn")], await Numbers("li.agent", Number("vpn").ToLowerInvariant()));

    [Fact]
    public async Task A_match_the_caller_may_not_see_stays_hidden()
    {
        Assert.Empty(await Numbers("li.agent", "空调"));
        Assert.Empty(await Numbers("alice", "空调"));
        Assert.Equal([Number("aircon")], await Numbers("bob", "空调"));
        Assert.Equal([Number("aircon")], await Numbers("wang.fac", "空调"));
    }

    [Fact]
    public async Task Requesters_find_their_own_tickets_only() =>
        Assert.Empty(await Numbers("carol", "打印机"));

    [Fact]
    public async Task Text_that_is_nowhere_finds_nothing() =>
        Assert.Empty(await Numbers("li.agent", "量子计算机"));

    [Theory]
    [InlineData("a")]
    [InlineData("密")]
    [InlineData(" x ")]
    [InlineData("a b")]
    public async Task A_single_character_is_refused_with_a_reason(string q)
    {
        var client = await world.ClientFor("li.agent");
        var problem = await (await client.GetAsync($"/api/v1/tickets?q={Uri.EscapeDataString(q)}")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("q", problem.Errors().Keys);
    }

    [Fact]
    public async Task Pattern_characters_are_plain_text() =>
        Assert.Empty(await Numbers("li.agent", "%_"));

    [Fact]
    public async Task An_edited_subject_is_searched_by_its_new_text()
    {
        var alice = await world.ClientFor("alice");
        var li = await world.ClientFor("li.agent");
        var ticket = await alice.CreateTicket("it", "扫描仪卡纸 scanner jam");
        var response = await li.PatchJson($"/api/v1/tickets/{ticket.Id()}", new { subject = "投影仪黑屏 projector blank" },
            (await li.GetAsync($"/api/v1/tickets/{ticket.Id()}")).Headers.ETag!.Tag);
        await response.ShouldBe(HttpStatusCode.OK);

        Assert.Contains(ticket.Str("number"), await Numbers("li.agent", "投影仪"));
        Assert.Contains(ticket.Str("number"), await Numbers("li.agent", "黑屏"));
        Assert.DoesNotContain(ticket.Str("number"), await Numbers("li.agent", "扫描仪"));
        Assert.DoesNotContain(ticket.Str("number"), await Numbers("li.agent", "scanner"));
    }

    [Fact]
    public async Task More_than_a_thousand_matches_answer_1000_plus_unless_an_exact_count_is_asked()
    {
        const string Token = "批量测试标记";
        await world.InScope(async sp =>
        {
            var db = sp.GetRequiredService<FlowdeskDb>();
            var desk = await db.Desks.SingleAsync(d => d.Key == "it");
            var alice = await db.Users.SingleAsync(p => p.UserName == "alice");
            for (var i = 0; i < 1001; i++)
                await TicketFactory.CreateAsync(db, desk, TicketKind.Incident, $"{Token} {i}", "", alice.Id,
                    Level.Low, Level.Low, null, alice.Id, DateTimeOffset.UtcNow, CancellationToken.None);
            await db.SaveChangesAsync();
        });
        var li = await world.ClientFor("li.agent");

        var bounded = await (await li.GetAsync($"/api/v1/tickets?q={Uri.EscapeDataString(Token)}&pageSize=10")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(1000, bounded.GetProperty("total").GetInt32());
        Assert.False(bounded.GetProperty("totalExact").GetBoolean());
        Assert.Equal(10, bounded.GetProperty("items").GetArrayLength());

        var exact = await (await li.GetAsync($"/api/v1/tickets?q={Uri.EscapeDataString(Token)}&pageSize=10&count=exact")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(1001, exact.GetProperty("total").GetInt32());
        Assert.True(exact.GetProperty("totalExact").GetBoolean());

        var few = await (await li.GetAsync($"/api/v1/tickets?q={Uri.EscapeDataString(Token + " 99")}")).ShouldBe(HttpStatusCode.OK);
        Assert.True(few.GetProperty("totalExact").GetBoolean());
        Assert.Equal(11, few.GetProperty("total").GetInt32()); // 99 and 990–999
    }

    [Fact]
    public async Task An_unknown_count_mode_is_refused()
    {
        var client = await world.ClientFor("li.agent");
        var problem = await (await client.GetAsync("/api/v1/tickets?count=roughly")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("count", problem.Errors().Keys);
    }
}

public sealed class TicketSearchNewestFirstTests(TicketSearchTests.World world)
    : TicketSearchTests(world), IClassFixture<TicketSearchTests.World>;

public sealed class TicketSearchIndexTests(TicketSearchTests.IndexOnlyWorld world)
    : TicketSearchTests(world), IClassFixture<TicketSearchTests.IndexOnlyWorld>;

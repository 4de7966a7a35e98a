using System.Net;
using System.Net.Http.Json;
using System.Text;
using Flowdesk.Persistence;
using Flowdesk.Sla;
using Flowdesk.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Flowdesk.Tests.Sla;

/// <summary>
/// The real host on a clock that stands still at Thursday 2026-11-26 10:00 Asia/Shanghai (the 2027 notice is not
/// published yet), with the shipped calendars and policies seeded as the lead's start-up will seed them.
/// </summary>
public class SlaApp : FlowdeskApp
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Db(async db => { await SlaSeeding.EnsureAsync(db, Clock, CancellationToken.None); return true; });
    }
}

public sealed class CalendarAdminApiTests(SlaApp app) : IClassFixture<SlaApp>
{
    [Theory]
    [InlineData("alice")]
    [InlineData("li.agent")]
    public async Task Calendars_ForAnyoneButSystemAdmins_DoNotExist(string user)
    {
        var client = await app.ClientFor(user);
        await (await client.GetAsync("/api/v1/admin/calendars")).ShouldBe(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/v1/admin/calendars/cn-mainland")).ShouldBe(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/v1/admin/calendars/warnings")).ShouldBe(HttpStatusCode.NotFound);
        await (await client.PostAsync("/api/v1/admin/calendars/cn-mainland/import", new StringContent("year: 2027\n", Encoding.UTF8, "text/yaml"))).ShouldBe(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/v1/admin/sla/policies")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Calendars_ShipCnMainland2026_AndStandard()
    {
        var admin = await app.ClientFor("admin");
        var list = await (await admin.GetAsync("/api/v1/admin/calendars")).ShouldBe(HttpStatusCode.OK);
        var cn = list.EnumerateArray().Single(c => c.Str("key") == "cn-mainland");
        Assert.Contains(2026, cn.GetProperty("publishedYears").EnumerateArray().Select(y => y.GetInt32()));
        Assert.True(cn.GetProperty("inUse").GetBoolean());
        Assert.Contains(list.EnumerateArray(), c => c.Str("key") == "standard");

        var detail = await (await admin.GetAsync("/api/v1/admin/calendars/cn-mainland")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["09:00-12:00", "13:30-18:00"], detail.GetProperty("hours").GetProperty("mon").EnumerateArray().Select(h => h.GetString()!).ToArray());
        Assert.Empty(detail.GetProperty("hours").GetProperty("sat").EnumerateArray());
        Assert.Equal("Asia/Shanghai", detail.Str("timeZone"));
        var y2026 = detail.GetProperty("years").EnumerateArray().Single(y => y.GetProperty("year").GetInt32() == 2026);
        Assert.Equal(7, y2026.GetProperty("holidays").GetArrayLength());
        Assert.Equal(6, y2026.GetProperty("workingDays").GetArrayLength());
    }

    [Fact]
    public async Task Warnings_ListCalendarsInUseWithoutTheComingYear()
    {
        var admin = await app.ClientFor("admin");
        var warnings = await (await admin.GetAsync("/api/v1/admin/calendars/warnings")).ShouldBe(HttpStatusCode.OK);
        var cn = Assert.Single(warnings.EnumerateArray(), w => w.Str("key") == "cn-mainland" && w.GetProperty("year").GetInt32() == 2027);
        Assert.Contains("2027", cn.Str("message"));
        Assert.DoesNotContain(warnings.EnumerateArray(), w => w.Str("key") == "standard");
    }

    [Fact]
    public async Task Import_YamlWithAnError_NamesTheLineAndField_AndChangesNothing()
    {
        var admin = await app.ClientFor("admin");
        const string yaml = "calendar: cn-mainland\nyear: 2030\ntime_zone: Asia/Shanghai\nholidays:\n  - { name: { zh-CN: 春节, en: Spring Festival }, from: 2030-02-02, to: 2030-02-32 }\n";
        var problem = await (await admin.PostAsync("/api/v1/admin/calendars/cn-mainland/import", new StringContent(yaml, Encoding.UTF8, "text/yaml")))
            .ShouldBe(HttpStatusCode.BadRequest);
        var message = Assert.Single(problem.Errors()["holidays[0].to"]);
        Assert.Contains("5", message);
        Assert.Contains("2030-02-32", message);

        var detail = await (await admin.GetAsync("/api/v1/admin/calendars/cn-mainland")).ShouldBe(HttpStatusCode.OK);
        Assert.DoesNotContain(detail.GetProperty("years").EnumerateArray(), y => y.GetProperty("year").GetInt32() == 2030);
    }

    [Fact]
    public async Task Import_YamlForAnotherCalendar_IsRefused()
    {
        var admin = await app.ClientFor("admin");
        const string yaml = "calendar: hk\nyear: 2028\n";
        var problem = await (await admin.PostAsync("/api/v1/admin/calendars/cn-mainland/import", new StringContent(yaml, Encoding.UTF8, "text/yaml")))
            .ShouldBe(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey("calendar"));
    }

    [Fact]
    public async Task Import_ValidYaml_PublishesTheYear()
    {
        var admin = await app.ClientFor("admin");
        const string yaml = "calendar: cn-mainland\nyear: 2028\ntime_zone: Asia/Shanghai\nholidays:\n" +
            "  - { name: { zh-CN: 元旦, en: New Year's Day }, from: 2028-01-01, to: 2028-01-03 }\nworking_days:\n  - 2028-01-08\n";
        var body = await (await admin.PostAsync("/api/v1/admin/calendars/cn-mainland/import", new StringContent(yaml, Encoding.UTF8, "text/yaml")))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal([2028], body.GetProperty("years").EnumerateArray().Select(y => y.GetInt32()).ToArray());
        var detail = await (await admin.GetAsync("/api/v1/admin/calendars/cn-mainland")).ShouldBe(HttpStatusCode.OK);
        var y2028 = detail.GetProperty("years").EnumerateArray().Single(y => y.GetProperty("year").GetInt32() == 2028);
        Assert.Equal("import:yaml", y2028.Str("source"));
        Assert.Equal("2028-01-08", y2028.GetProperty("workingDays")[0].Str("date"));
    }

    [Fact]
    public async Task Import_Ics_PublishesItsYear()
    {
        var admin = await app.ClientFor("admin");
        const string ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" +
            "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:国庆节\r\nDTSTART;VALUE=DATE:20291001\r\nDTEND;VALUE=DATE:20291008\r\nEND:VEVENT\r\n" +
            "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:国庆节 补班\r\nDTSTART;VALUE=DATE:20290929\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        var body = await (await admin.PostAsync("/api/v1/admin/calendars/cn-mainland/import", new StringContent(ics, Encoding.UTF8, "text/calendar")))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal([2029], body.GetProperty("years").EnumerateArray().Select(y => y.GetInt32()).ToArray());
        Assert.Equal(1, body.GetProperty("holidays").GetInt32());
        Assert.Equal(1, body.GetProperty("workingDays").GetInt32());
    }

    [Fact]
    public async Task UpdateHours_RefusesOverlapsAndUnknownZones()
    {
        var admin = await app.ClientFor("admin");
        var request = new { timeZone = "Mars/Olympus", hours = new Dictionary<string, string[]> { ["mon"] = ["09:00-12:00", "11:00-13:00"], ["xyz"] = [] } };
        var problem = await (await admin.PutAsJsonAsync("/api/v1/admin/calendars/standard/hours", request)).ShouldBe(HttpStatusCode.BadRequest);
        var errors = problem.Errors();
        Assert.True(errors.ContainsKey("timeZone"));
        Assert.True(errors.ContainsKey("hours.mon"));
        Assert.True(errors.ContainsKey("hours.xyz"));
    }

    [Fact]
    public async Task Policies_AreSeededPerDesk()
    {
        var admin = await app.ClientFor("admin");
        var policies = await (await admin.GetAsync("/api/v1/admin/sla/policies")).ShouldBe(HttpStatusCode.OK);
        var itP1 = policies.EnumerateArray().Single(p => p.Str("desk") == "it" && p.TryGetProperty("priority", out var pr) && pr.ValueKind == System.Text.Json.JsonValueKind.String && pr.GetString() == "p1");
        Assert.Equal("1h", itP1.Str("firstResponse"));
        Assert.Equal("4h", itP1.Str("resolution"));
        Assert.Equal("cn-mainland", itP1.Str("calendar"));
        Assert.Contains(policies.EnumerateArray(), p => p.Str("desk") == "facilities" && p.Str("calendar") == "standard");
        var hr = Assert.Single(policies.EnumerateArray(), p => p.Str("desk") == "hr");
        Assert.Equal("5bd", hr.Str("resolution"));
    }
}

public sealed class TicketSlaApiTests(SlaApp app) : IClassFixture<SlaApp>
{
    [Fact]
    public async Task TicketSla_ExplainsTheDueTimes_ToWhoeverSeesTheTicket()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await alice.CreateTicket(extra: new { impact = "high", urgency = "high" }); // p1: 1h / 4h on cn-mainland
        var sla = await (await alice.GetAsync($"/api/v1/tickets/{ticket.Id()}/sla")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("cn-mainland", sla.Str("calendar"));
        // Thursday 2026-11-26 10:00 Shanghai: first response 11:00, resolution 10–12 and 13:30–15:30.
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero), sla.GetProperty("firstResponse").GetProperty("due").GetDateTimeOffset());
        var resolution = sla.GetProperty("resolution");
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 7, 30, 0, TimeSpan.Zero), resolution.GetProperty("due").GetDateTimeOffset());
        Assert.Equal("running", resolution.Str("state"));
        var kinds = resolution.GetProperty("timeline").EnumerateArray().Select(e => e.Str("kind")).ToList();
        Assert.Equal(["counted", "counted", "due"], kinds);
        Assert.Contains("2026-11-26 13:30", resolution.GetProperty("timeline")[1].Str("text"));

        var carol = await app.ClientFor("carol");
        await (await carol.GetAsync($"/api/v1/tickets/{ticket.Id()}/sla")).ShouldBe(HttpStatusCode.NotFound);
    }

}

/// <summary>On a host of its own: this test moves the clock.</summary>
public sealed class SlaRecomputeTests(SlaApp app) : IClassFixture<SlaApp>
{
    [Fact]
    public async Task Recompute_AfterAPriorityChange_KeepsThePausedTime()
    {
        var alice = await app.ClientFor("alice");
        var agent = await app.ClientFor("li.agent");
        var ticket = await alice.CreateTicket(extra: new { impact = "medium", urgency = "medium" }); // p3: 4h / 3bd
        var id = ticket.Id();
        await (await agent.PostAsJsonAsync($"/api/v1/tickets/{id}/transitions", new { to = "waiting_on_requester" })).ShouldBe(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromHours(1));
        await (await alice.PostAsJsonAsync($"/api/v1/tickets/{id}/transitions", new { to = "in_progress" })).ShouldBe(HttpStatusCode.OK);

        var due = await Recompute(Guid.Parse(id));
        // 3bd = 22h30m: Thu 11–12, 13:30–18 (the hour 10–11 paused), Fri, Mon, Tue 09:00–11:00.
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero), due);

        var etag = (await agent.GetAsync($"/api/v1/tickets/{id}")).Headers.ETag!.Tag;
        await (await agent.PatchJson($"/api/v1/tickets/{id}", new { priority = "p1" }, etag)).ShouldBe(HttpStatusCode.OK);
        var raised = await Recompute(Guid.Parse(id));
        // 4h from the same start, the paused hour still paused: 11–12, 13:30–16:30.
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 30, 0, TimeSpan.Zero), raised);
    }

    Task<DateTimeOffset?> Recompute(Guid id) => app.InScope(async sp =>
    {
        var db = sp.GetRequiredService<FlowdeskDb>();
        var ticket = await db.Tickets.SingleAsync(t => t.Id == id);
        await SlaService.RecomputeAsync(db, ticket, app.Clock, CancellationToken.None);
        await db.SaveChangesAsync();
        return ticket.ResolutionDue;
    });
}

/// <summary>On a host of its own: this test changes a policy and a calendar's hours.</summary>
public sealed class SlaReferenceChangeTests(SlaApp app) : IClassFixture<SlaApp>
{
    static DateTimeOffset FirstResponseDue(System.Text.Json.JsonElement sla) => sla.GetProperty("firstResponse").GetProperty("due").GetDateTimeOffset();

    [Fact]
    public async Task APolicyOrCalendarChange_AppliesToTheNextTicket_AtOnce()
    {
        var admin = await app.ClientFor("admin");
        var alice = await app.ClientFor("alice");
        async Task<System.Text.Json.JsonElement> NewP1Sla()
        {
            var ticket = await alice.CreateTicket(extra: new { impact = "high", urgency = "high" });
            return await (await alice.GetAsync($"/api/v1/tickets/{ticket.Id()}/sla")).ShouldBe(HttpStatusCode.OK);
        }

        // Thursday 2026-11-26 10:00 Shanghai: p1's first response is due in one business hour.
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero), FirstResponseDue(await NewP1Sla()));

        var policies = await (await admin.GetAsync("/api/v1/admin/sla/policies")).ShouldBe(HttpStatusCode.OK);
        var itP1 = policies.EnumerateArray().Single(p => p.Str("desk") == "it" && p.TryGetProperty("priority", out var pr)
            && pr.ValueKind == System.Text.Json.JsonValueKind.String && pr.GetString() == "p1");
        await (await admin.PutAsJsonAsync($"/api/v1/admin/sla/policies/{itP1.Str("id")}", new { firstResponse = "2h" })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 4, 0, 0, TimeSpan.Zero), FirstResponseDue(await NewP1Sla()));

        // The calendar's hours too: work starting at 11:00 moves the two hours to 11:00–13:00.
        var hours = new Dictionary<string, string[]>
        {
            ["mon"] = ["11:00-18:00"], ["tue"] = ["11:00-18:00"], ["wed"] = ["11:00-18:00"], ["thu"] = ["11:00-18:00"], ["fri"] = ["11:00-18:00"],
        };
        await (await admin.PutAsJsonAsync("/api/v1/admin/calendars/cn-mainland/hours", new { timeZone = "Asia/Shanghai", hours })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 5, 0, 0, TimeSpan.Zero), FirstResponseDue(await NewP1Sla()));
    }
}

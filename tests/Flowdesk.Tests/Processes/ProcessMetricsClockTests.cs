using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tests.Jobs;

namespace Flowdesk.Tests.Processes;

/// <summary>
/// What the version metrics add up, on a known timeline: how long each ticket stayed in each state (the open one up to
/// now, the resolved one's last state not at all), the median resolution time, versions kept apart and the window.
/// On the jobs tests' host: a clock the test moves, and tokens that outlive the hours it moves by.
/// </summary>
public sealed class ProcessMetricsClockTests(JobsApp app) : IClassFixture<JobsApp>
{
    const string Yaml = """
        key: test.metrics
        name: { en: Metrics, zh-CN: 指标 }
        desk: facilities
        kind: incident
        catalog: { category: tests, audience: [everyone] }
        form:
          - { id: room, type: text, label: { en: Room, zh-CN: 房间 } }
        """;

    [Fact]
    public async Task Stays_AreAddedUpPerState_AndTheMedianIsOfTheResolvedTickets()
    {
        var admin = await app.Client("admin");
        var alice = await app.Client("alice");
        var wang = await app.Client("wang.fac");
        async Task Publish(string yaml)
        {
            var draft = await (await admin.PostAsync("/api/v1/processes", new StringContent(yaml, Encoding.UTF8, "application/yaml"))).ShouldBe(HttpStatusCode.Created);
            await (await admin.PostAsync($"/api/v1/processes/test.metrics/versions/{draft.GetProperty("number").GetInt32()}/publish", null)).ShouldBe(HttpStatusCode.OK);
        }
        async Task<string> Order() =>
            (await (await alice.PostAsJsonAsync("/api/v1/catalog/test.metrics/requests", new { fields = new { room = "3F" } })).ShouldBe(HttpStatusCode.Created)).Id();
        async Task Move(string id, string to) =>
            await (await wang.PostAsJsonAsync($"/api/v1/tickets/{id}/transitions", new { to })).ShouldBe(HttpStatusCode.OK);
        void Hours(double hours) => app.Clock.Advance(TimeSpan.FromHours(hours));

        await Publish(Yaml);
        var a = await Order();
        var b = await Order();
        Hours(2);
        await Move(a, "in_progress");
        Hours(3);
        await Move(a, "resolved"); // a: 2 h new, 3 h in progress, resolved after 5 h
        Hours(1);
        await Move(b, "in_progress");
        await Move(b, "waiting_on_requester");
        Hours(4);
        await Move(b, "in_progress");
        Hours(1);
        await Move(b, "resolved"); // b: 6 h new, 5 h waiting, resolved after 11 h; reopened below
        await Move(b, "in_progress");
        Hours(2);
        await Publish(Yaml.Replace("name: { en: Metrics", "changelog: Second\nname: { en: Metrics", StringComparison.Ordinal));
        var c = await Order(); // version 2
        Hours(1); // now: a resolved, b in progress for 3 h, c new for 1 h

        var metrics = await (await admin.GetAsync("/api/v1/processes/test.metrics/metrics")).ShouldBe(HttpStatusCode.OK);
        var versions = metrics.GetProperty("versions").EnumerateArray().ToDictionary(v => v.GetProperty("version").GetInt32());
        Assert.Equal([1, 2], versions.Keys.Order());

        var v1 = versions[1];
        Assert.Equal(2, v1.GetProperty("tickets").GetInt32());
        Assert.Equal(1, v1.GetProperty("resolved").GetInt32()); // b was reopened: only a is resolved now
        Assert.Equal(5, v1.GetProperty("medianResolutionHours").GetDouble());
        var perState = v1.GetProperty("hoursPerState").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal((2 + 6) / 2.0, perState["new"]);
        Assert.Equal((3 + 1 + 3) / 2.0, perState["in_progress"]); // a: 3; b: 1 before resolving and 3 since reopening
        Assert.Equal(4 / 2.0, perState["waiting_on_requester"]);
        Assert.Equal(0, perState["resolved"]); // b's stay in resolved lasted no time

        var v2 = versions[2];
        Assert.Equal(1, v2.GetProperty("tickets").GetInt32());
        Assert.Equal(0, v2.GetProperty("resolved").GetInt32());
        Assert.Equal(JsonValueKind.Null, v2.GetProperty("medianResolutionHours").ValueKind);
        Assert.Equal(1, v2.GetProperty("hoursPerState").GetProperty("new").GetDouble());

        // The window is of creation dates: from after a and b were made, only c is counted.
        var from = Uri.EscapeDataString(app.Clock.GetUtcNow().AddHours(-2).ToString("O"));
        var later = await (await admin.GetAsync($"/api/v1/processes/test.metrics/metrics?from={from}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal([2], later.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
    }
}

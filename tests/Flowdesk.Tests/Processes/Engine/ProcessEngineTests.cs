using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Flowdesk.Persistence;
using Flowdesk.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Tests.Processes.Engine;

/// <summary>A host with the shipped processes published (demo data), used by the engine tests only.</summary>
public sealed class EngineApp : FlowdeskApp;

/// <summary>The engine end to end through the API: catalog → approvals → tasks → resolved, with the shipped processes.</summary>
public sealed class ProcessEngineTests(EngineApp app) : IClassFixture<EngineApp>
{
    static async Task<JsonElement> Order(HttpClient client, string key, object fields, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/catalog/{key}/requests", new { fields });
        return await response.ShouldBe(expected);
    }

    static async Task<List<JsonElement>> Pending(HttpClient approver, string number) =>
        (await (await approver.GetAsync("/api/v1/approvals?state=pending")).ShouldBe(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Where(a => a.GetProperty("ticket").Str("number") == number).ToList();

    static async Task<List<JsonElement>> Tasks(HttpClient client, string ticketId) =>
        (await (await client.GetAsync($"/api/v1/tickets/{ticketId}/tasks")).ShouldBe(HttpStatusCode.OK)).EnumerateArray().ToList();

    static async Task<JsonElement> Ticket(HttpClient client, string id) =>
        await (await client.GetAsync($"/api/v1/tickets/{id}")).ShouldBe(HttpStatusCode.OK);

    static async Task<List<(string Field, string? New)>> History(HttpClient client, string id) =>
        (await (await client.GetAsync($"/api/v1/tickets/{id}/history")).ShouldBe(HttpStatusCode.OK))
            .EnumerateArray().Select(h => (h.Str("field"), h.GetProperty("new").ValueKind == JsonValueKind.Null ? null : h.Str("new"))).ToList();

    [Fact]
    public async Task Approvals_and_tasks_come_a_page_at_a_time_as_every_list_does()
    {
        var alice = await app.ClientFor("alice");
        var bob = await app.ClientFor("bob");
        var li = await app.ClientFor("li.agent");
        for (var i = 0; i < 3; i++) await Order(alice, "it.laptop", new { model = "standard", reason = $"paging {i}" });

        var first = await (await bob.GetAsync("/api/v1/approvals?pageSize=2")).ShouldBe(HttpStatusCode.OK);
        var total = first.GetProperty("total").GetInt32();
        Assert.True(total >= 3, first.ToString());
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        Assert.Equal((1, 2), (first.GetProperty("page").GetInt32(), first.GetProperty("pageSize").GetInt32()));
        List<string> seen = [];
        for (var page = 1; (page - 1) * 2 < total; page++)
            seen.AddRange((await (await bob.GetAsync($"/api/v1/approvals?pageSize=2&page={page}")).ShouldBe(HttpStatusCode.OK))
                .GetProperty("items").EnumerateArray().Select(a => a.Str("id")));
        Assert.Equal(total, seen.Count);
        Assert.Equal(total, seen.Distinct().Count()); // each once: the order (oldest first, then id) is stable across pages

        await (await bob.PostAsJsonAsync($"/api/v1/approvals/{seen[0]}/approve", new { })).ShouldBe(HttpStatusCode.OK);
        var tasks = await (await li.GetAsync("/api/v1/tasks?pageSize=1")).ShouldBe(HttpStatusCode.OK);
        Assert.True(tasks.GetProperty("total").GetInt32() >= 1, tasks.ToString());
        Assert.Equal(1, tasks.GetProperty("items").GetArrayLength());

        foreach (var (url, field) in new[]
        {
            ("/api/v1/approvals?page=0", "page"), ("/api/v1/approvals?page=x", "page"), ("/api/v1/approvals?pageSize=201", "pageSize"),
            ("/api/v1/approvals?page=2147483647&pageSize=200", "page"), ("/api/v1/approvals?state=later", "state"),
            ("/api/v1/tasks?pageSize=0", "pageSize"), ("/api/v1/tasks?state=soon&page=-2", "state"), ("/api/v1/tasks?state=soon&page=-2", "page"),
        })
        {
            var problem = await (await bob.GetAsync(url)).ShouldBe(HttpStatusCode.BadRequest);
            Assert.True(problem.Errors().ContainsKey(field), $"{url}: {problem}");
        }
    }

    [Fact]
    public async Task Laptop_request_goes_from_order_through_approval_and_tasks_to_resolved()
    {
        var alice = await app.ClientFor("alice");
        var bob = await app.ClientFor("bob");
        var li = await app.ClientFor("li.agent");

        var ticket = await Order(alice, "it.laptop", new { model = "standard", reason = "我的旧电脑已经用了五年，经常死机。" });
        Assert.Equal("awaiting_approval", ticket.Str("status"));
        Assert.Equal("it.laptop", ticket.Str("processKey"));
        Assert.Equal(2, ticket.GetProperty("processVersion").GetInt32());
        Assert.Empty(await Tasks(alice, ticket.Id()));

        var approval = Assert.Single(await Pending(bob, ticket.Str("number")));
        Assert.Equal("manager", approval.Str("stage"));
        // The approver may read the request while deciding.
        await Ticket(bob, ticket.Id());
        await (await bob.PostAsJsonAsync($"/api/v1/approvals/{approval.Str("id")}/approve", new { comment = "同意" })).ShouldBe(HttpStatusCode.OK);

        var afterApproval = await Ticket(alice, ticket.Id());
        Assert.Equal("in_progress", afterApproval.Str("status"));
        var history = await History(alice, ticket.Id());
        Assert.Contains(("approval.manager", "approved"), history);
        Assert.Contains(("approval.security", "skipped"), history); // only developer laptops need IT security

        var tasks = await Tasks(li, ticket.Id());
        Assert.Equal(["prepare", "handover"], tasks.Select(t => t.Str("key")));
        Assert.Equal(["open", "blocked"], tasks.Select(t => t.Str("status")));
        Assert.Equal("li.agent", tasks[0].GetProperty("assignee").Str("username")); // it-desktop assigns round-robin

        await (await li.PostAsJsonAsync($"/api/v1/tasks/{tasks[1].Str("id")}/complete", new { })).ShouldBe(HttpStatusCode.Conflict);
        await (await li.PostAsJsonAsync($"/api/v1/tasks/{tasks[0].Str("id")}/complete", new { note = "Imaged with Win11 23H2" })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("open", (await Tasks(li, ticket.Id()))[1].Str("status"));
        await (await li.PostAsJsonAsync($"/api/v1/tasks/{tasks[1].Str("id")}/complete", new { note = "LT-30211" })).ShouldBe(HttpStatusCode.OK);

        var done = await Ticket(alice, ticket.Id());
        Assert.Equal("resolved", done.Str("status"));
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("resolvedAt").ValueKind);
        var outbox = await app.Db(db => db.OutboxMessages.Where(m => m.TicketId == Guid.Parse(ticket.Id())).Select(m => m.Payload).ToListAsync());
        Assert.Contains(outbox, p => p.Contains("\"approval_needed\"", StringComparison.Ordinal));
        Assert.Contains(outbox, p => p.Contains("\"request-fulfilled\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_developer_laptop_also_needs_security_and_a_rejection_ends_it_with_the_reason()
    {
        var alice = await app.ClientFor("alice");
        var bob = await app.ClientFor("bob");
        var sun = await app.ClientFor("sun.sec");
        var ticket = await Order(alice, "it.laptop", new { model = "developer", admin_rights = true, reason = "Kubernetes development" });

        var manager = Assert.Single(await Pending(bob, ticket.Str("number")));
        await (await bob.PostAsJsonAsync($"/api/v1/approvals/{manager.Str("id")}/approve", new { })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("awaiting_approval", (await Ticket(alice, ticket.Id())).Str("status"));

        var security = Assert.Single(await Pending(sun, ticket.Str("number")));
        Assert.Equal("security", security.Str("stage"));
        var noReason = await (await sun.PostAsJsonAsync($"/api/v1/approvals/{security.Str("id")}/reject", new { comment = " " })).ShouldBe(HttpStatusCode.BadRequest);
        Assert.True(noReason.Errors().ContainsKey("comment"));
        await (await sun.PostAsJsonAsync($"/api/v1/approvals/{security.Str("id")}/reject", new { comment = "Local admin rights need a security exception first." }))
            .ShouldBe(HttpStatusCode.OK);

        var rejected = await Ticket(alice, ticket.Id());
        Assert.Equal("rejected", rejected.Str("status"));
        var comments = await (await alice.GetAsync($"/api/v1/tickets/{ticket.Id()}/comments")).ShouldBe(HttpStatusCode.OK);
        Assert.Contains(comments.EnumerateArray(), c => c.Str("body") == "Local admin rights need a security exception first.");
        Assert.Empty(await Tasks(alice, ticket.Id()));
        // Deciding again, or deciding someone else's approval, changes nothing.
        await (await sun.PostAsJsonAsync($"/api/v1/approvals/{security.Str("id")}/approve", new { })).ShouldBe(HttpStatusCode.Conflict);
        await (await bob.PostAsJsonAsync($"/api/v1/approvals/{security.Str("id")}/approve", new { })).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Moves_reserved_to_the_engine_are_refused_with_a_reason()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var ticket = await Order(alice, "it.laptop", new { model = "standard", reason = "Broken hinge" });
        var staff = await (await li.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id()}/transitions", new { to = "in_progress" })).ShouldBe(HttpStatusCode.Conflict);
        Assert.Equal("not_allowed_for_actor", staff.Str("reason"));
        var requester = await (await alice.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id()}/transitions", new { to = "resolved" })).ShouldBe(HttpStatusCode.Conflict);
        Assert.Equal("not_allowed", requester.Str("reason"));
        // The requester may withdraw; the pending approval is then closed, not left waiting.
        await (await alice.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id()}/transitions", new { to = "cancelled" })).ShouldBe(HttpStatusCode.OK);
        Assert.Empty(await Pending(await app.ClientFor("bob"), ticket.Str("number")));
    }

    [Fact]
    public async Task Onboarding_creates_tasks_for_it_and_facilities_while_the_case_stays_confidential_to_hr()
    {
        var bob = await app.ClientFor("bob");       // a manager: the onboarding item is for managers
        var zhou = await app.ClientFor("zhou.iam");  // IT identity
        var li = await app.ClientFor("li.agent");    // IT desktop
        var wang = await app.ClientFor("wang.fac");  // facilities
        var zhang = await app.ClientFor("zhang.hr");

        var ticket = await Order(bob, "hr.onboarding", new { employee_name = "陈小明", start_date = "2026-12-07", needs_laptop = true, laptop_model = "developer" });
        Assert.StartsWith("HR-", ticket.Str("number"));
        // bob has no manager on file: the stage is recorded as skipped rather than waiting for nobody.
        Assert.Contains(("approval.manager", "skipped_no_approvers"), await History(zhang, ticket.Id()));

        var tasks = await Tasks(zhang, ticket.Id());
        Assert.Equal(["account", "laptop", "badge", "desk"], tasks.Select(t => t.Str("key")));
        Assert.Equal(["it", "it", "facilities", "facilities"], tasks.Select(t => t.GetProperty("desk").Str("key")));

        // IT works its task without being able to read the HR case.
        await (await zhou.GetAsync($"/api/v1/tickets/{ticket.Id()}")).ShouldBe(HttpStatusCode.NotFound);
        var zhouTasks = (await (await zhou.GetAsync("/api/v1/tasks")).ShouldBe(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Where(t => t.Str("ticketId") == ticket.Id()).ToList();
        var account = Assert.Single(zhouTasks, t => t.Str("key") == "account");
        Assert.Equal(JsonValueKind.Null, account.GetProperty("ticketNumber").ValueKind);
        await (await zhou.PostAsJsonAsync($"/api/v1/tasks/{account.Str("id")}/complete", new { note = "chen.xm created" })).ShouldBe(HttpStatusCode.OK);

        var laptop = (await (await li.GetAsync("/api/v1/tasks")).ShouldBe(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
            .Single(t => t.Str("ticketId") == ticket.Id() && t.Str("key") == "laptop");
        // Someone outside the task's group and desk cannot complete it.
        await (await wang.PostAsJsonAsync($"/api/v1/tasks/{laptop.Str("id")}/complete", new { })).ShouldBe(HttpStatusCode.NotFound);
        await (await li.PostAsJsonAsync($"/api/v1/tasks/{laptop.Str("id")}/complete", new { })).ShouldBe(HttpStatusCode.OK);

        foreach (var task in (await (await wang.GetAsync("/api/v1/tasks")).ShouldBe(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Where(t => t.Str("ticketId") == ticket.Id()))
            await (await wang.PostAsJsonAsync($"/api/v1/tasks/{task.Str("id")}/complete", new { })).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("resolved", (await Ticket(zhang, ticket.Id())).Str("status"));
    }

    [Fact]
    public async Task The_catalog_offers_only_what_the_callers_audience_includes_and_finds_it_in_both_languages()
    {
        var alice = await app.ClientFor("alice");
        var bob = await app.ClientFor("bob");
        var aliceItems = (await (await alice.GetAsync("/api/v1/catalog")).ShouldBe(HttpStatusCode.OK)).EnumerateArray().Select(i => i.Str("key")).ToList();
        Assert.Contains("it.laptop", aliceItems);
        Assert.DoesNotContain("hr.onboarding", aliceItems);
        Assert.Contains("hr.onboarding", (await (await bob.GetAsync("/api/v1/catalog")).ShouldBe(HttpStatusCode.OK)).EnumerateArray().Select(i => i.Str("key")));
        await (await alice.GetAsync("/api/v1/catalog/hr.onboarding")).ShouldBe(HttpStatusCode.NotFound);
        await Order(alice, "hr.onboarding", new { employee_name = "x", start_date = "2026-12-07" }, HttpStatusCode.NotFound);

        var chinese = (await (await alice.GetAsync($"/api/v1/catalog?q={Uri.EscapeDataString("密码")}")).ShouldBe(HttpStatusCode.OK)).EnumerateArray().Select(i => i.Str("key")).ToList();
        Assert.Equal(["it.password-reset"], chinese);
        var english = (await (await alice.GetAsync("/api/v1/catalog?q=LAPTOP")).ShouldBe(HttpStatusCode.OK)).EnumerateArray().Select(i => i.Str("key")).ToList();
        Assert.Equal(["it.laptop"], english);

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/catalog/it.laptop");
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var detail = await (await alice.SendAsync(request)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("笔记本电脑申请", detail.GetProperty("item").Str("name"));
        Assert.Contains(detail.GetProperty("form").EnumerateArray(), f => f.Str("id") == "admin_rights" && f.Str("visibleIf") == "form.model == 'developer'");
    }

    [Fact]
    public async Task A_submission_that_does_not_fit_the_form_is_refused_field_by_field_and_creates_nothing()
    {
        var alice = await app.ClientFor("alice");
        var before = await app.Db(db => db.Tickets.CountAsync());
        var problem = await Order(alice, "it.laptop", new { model = "gaming", reason = 42, colour = "red" }, HttpStatusCode.BadRequest);
        var errors = problem.Errors();
        Assert.Contains("fields.model", errors.Keys);
        Assert.Contains("fields.reason", errors.Keys);
        Assert.Contains("fields.colour", errors.Keys);
        Assert.Equal(before, await app.Db(db => db.Tickets.CountAsync()));
    }

    [Fact]
    public async Task Password_reset_needs_no_approval_and_is_assigned_automatically()
    {
        var alice = await app.ClientFor("alice");
        var ticket = await Order(alice, "it.password-reset", new { account = "alice", system = "vpn" });
        Assert.Equal("in_progress", ticket.Str("status"));
        Assert.Equal("p3", ticket.Str("priority"));
        Assert.Equal("it-identity", ticket.GetProperty("assigneeGroup").Str("key"));
        Assert.Equal("zhou.iam", ticket.GetProperty("assignee").Str("username"));
        var task = Assert.Single(await Tasks(alice, ticket.Id()));
        Assert.Equal("zhou.iam", task.GetProperty("assignee").Str("username"));
    }

    [Fact]
    public async Task An_incident_takes_its_priority_from_impact_and_urgency_and_a_major_one_alerts_the_group()
    {
        var alice = await app.ClientFor("alice");
        var major = await Order(alice, "it.incident", new { what = "整层楼断网", impact = "high", urgency = "high" });
        Assert.Equal("p1", major.Str("priority"));
        Assert.Contains("bob", major.GetProperty("watchers").EnumerateArray().Select(w => w.GetString()));
        var minor = await Order(alice, "it.incident", new { what = "Mouse wheel sticks", impact = "low", urgency = "low" });
        Assert.Equal("p4", minor.Str("priority"));
        Assert.Equal("new", minor.Str("status"));
    }

    [Fact]
    public async Task Republishing_pins_new_tickets_to_the_new_version_and_leaves_earlier_ones_on_theirs()
    {
        var alice = await app.ClientFor("alice");
        var bob = await app.ClientFor("bob");
        var earlier = await Order(alice, "it.software-access", new { application = "jira", access_level = "read", reason = "Sprint planning" });
        Assert.Equal(1, earlier.GetProperty("processVersion").GetInt32());

        var exported = await (await bob.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/processes/it.software-access/versions/1") { Headers = { { "Accept", "application/yaml" } } }))
            .Content.ReadAsStringAsync();
        Assert.Contains("key: it.software-access", exported, StringComparison.Ordinal);
        var document = System.Text.Json.Nodes.JsonNode.Parse(await (await bob.GetAsync("/api/v1/processes/it.software-access/versions/1")).Content.ReadAsStringAsync())!;
        document["changelog"] = "Confluence added.";
        document["form"]![0]!["options"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse("""{"value":"confluence","label":{"en":"Confluence","zh-CN":"Confluence"}}"""));
        var draft = await (await bob.PostAsync("/api/v1/processes", new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json"))).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(2, draft.GetProperty("number").GetInt32());
        // A draft is not offered yet.
        await Order(alice, "it.software-access", new { application = "confluence", access_level = "read", reason = "Docs" }, HttpStatusCode.BadRequest);
        await (await bob.PostAsync("/api/v1/processes/it.software-access/versions/2/publish", null)).ShouldBe(HttpStatusCode.OK);
        await (await bob.PostAsync("/api/v1/processes/it.software-access/versions/2/publish", null)).ShouldBe(HttpStatusCode.Conflict);

        var later = await Order(alice, "it.software-access", new { application = "confluence", access_level = "read", reason = "Docs" });
        Assert.Equal(2, later.GetProperty("processVersion").GetInt32());
        Assert.Equal(1, (await Ticket(alice, earlier.Id())).GetProperty("processVersion").GetInt32());

        var diff = await (await bob.GetAsync("/api/v1/processes/it.software-access/diff?from=1&to=2")).ShouldBe(HttpStatusCode.OK);
        Assert.NotEmpty(diff.GetProperty("changes").EnumerateArray());
        var summary = await (await bob.GetAsync("/api/v1/processes/it.software-access")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(2, summary.GetProperty("publishedVersion").GetInt32());
        Assert.Equal(["superseded", "published"], summary.GetProperty("versions").EnumerateArray().Select(v => v.Str("status")));
    }

    [Fact]
    public async Task Only_process_owners_and_admins_change_processes_and_requesters_cannot_read_them()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        await (await alice.GetAsync("/api/v1/processes")).ShouldBe(HttpStatusCode.NotFound);
        await (await li.GetAsync("/api/v1/processes")).ShouldBe(HttpStatusCode.OK);
        await (await li.PostAsync("/api/v1/processes", new StringContent("key: x", Encoding.UTF8, "application/yaml"))).ShouldBe(HttpStatusCode.NotFound);
        await (await li.PostAsync("/api/v1/processes/it.laptop/versions/1/publish", null)).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_draft_saved_or_published_with_a_stale_IfMatch_is_refused_412_and_left_as_it_was()
    {
        var bob = await app.ClientFor("bob");
        var document = System.Text.Json.Nodes.JsonNode.Parse(await (await bob.GetAsync("/api/v1/processes/it.software-access/versions/1")).Content.ReadAsStringAsync())!;
        document["key"] = "it.draft-race";
        async Task<HttpResponseMessage> Save(string changelog, string? ifMatch)
        {
            document["changelog"] = changelog;
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/processes") { Content = new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json") };
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return await bob.SendAsync(request);
        }
        async Task<HttpResponseMessage> Publish(string ifMatch)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/processes/it.draft-race/versions/1/publish");
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return await bob.SendAsync(request);
        }

        var first = await Save("First draft.", null);
        await first.ShouldBe(HttpStatusCode.Created);
        Assert.Equal("\"1.1\"", first.Headers.ETag?.Tag);
        var read = await bob.GetAsync("/api/v1/processes/it.draft-race/versions/1");
        Assert.Equal("\"1.1\"", read.Headers.ETag?.Tag);

        // Two people edit what they read as 1.1: the first save wins, the second is told instead of overwriting it.
        var mine = await Save("Mine.", "\"1.1\"");
        await mine.ShouldBe(HttpStatusCode.Created);
        Assert.Equal("\"1.2\"", mine.Headers.ETag?.Tag);
        await (await Save("Theirs.", "\"1.1\"")).ShouldBe(HttpStatusCode.PreconditionFailed);
        var kept = await (await bob.GetAsync("/api/v1/processes/it.draft-race/versions/1")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("Mine.", kept.Str("changelog"));

        // Publishing what was reviewed: a stale tag is refused, the current one publishes.
        await (await Publish("\"1.1\"")).ShouldBe(HttpStatusCode.PreconditionFailed);
        var published = await Publish("\"1.2\"");
        await published.ShouldBe(HttpStatusCode.OK);
        Assert.Equal("\"1.3\"", published.Headers.ETag?.Tag);
        // The draft that tag named is published now: saving "over" it is refused too (a new draft needs no If-Match).
        await (await Save("After publishing.", "\"1.3\"")).ShouldBe(HttpStatusCode.PreconditionFailed);
        await (await Save("Version 2.", null)).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_new_role_changes_what_the_catalog_offers_at_once_and_so_does_losing_it()
    {
        var person = await app.CreatePersonAsync("catalog.newrole");
        var client = await app.ClientFor("catalog.newrole");
        async Task<List<string>> Offered() =>
            (await (await client.GetAsync("/api/v1/catalog")).ShouldBe(HttpStatusCode.OK)).EnumerateArray().Select(i => i.Str("key")).ToList();
        Assert.DoesNotContain("hr.onboarding", await Offered()); // its audience: managers and technicians

        await app.Db(async db =>
        {
            var it = await db.Desks.SingleAsync(d => d.Key == "it");
            db.DeskMembers.Add(new Desks.DeskMember(it.Id, person.Id, Desks.DeskRole.Technician));
            return await db.SaveChangesAsync();
        });
        Assert.Contains("hr.onboarding", await Offered());

        await app.Db(async db =>
        {
            db.DeskMembers.RemoveRange(db.DeskMembers.Where(m => m.PersonId == person.Id));
            return await db.SaveChangesAsync();
        });
        Assert.DoesNotContain("hr.onboarding", await Offered());
        await Order(client, "hr.onboarding", new { employee_name = "x", start_date = "2026-12-07" }, HttpStatusCode.NotFound);
    }
}

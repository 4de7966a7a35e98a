using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Flowdesk.Tests.Infrastructure;

namespace Flowdesk.Tests.Tickets;

/// <summary>Links, merges and splits through the API: both ends see the link, ETags guard the source, hidden tickets stay hidden.</summary>
[Collection(ApiCollection.Name)]
public sealed class MergeSplitLinkApiTests(FlowdeskApp app)
{
    [Fact]
    public async Task Link_Blocks_IsSeenAsBlockedBy_FromTheOtherTicket_AndIsInBothHistories()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var a = await alice.CreateTicket(subject: "Link: core switch down");
        var b = await alice.CreateTicket(subject: "Link: printers offline");

        var created = await li.PostAsJsonAsync($"/api/v1/tickets/{a.Id()}/links", new { ticket = b.Str("number"), kind = "blocks" });
        var link = await created.ShouldBe(HttpStatusCode.Created);
        Assert.Equal("blocks", link.Str("kind"));
        Assert.Equal("\"2\"", created.Headers.ETag!.Tag);

        var fromB = await (await li.GetAsync($"/api/v1/tickets/{b.Id()}/links")).ShouldBe(HttpStatusCode.OK);
        var seen = Assert.Single(fromB.EnumerateArray());
        Assert.Equal("blocked_by", seen.Str("kind"));
        Assert.Equal(a.Str("number"), seen.Str("number"));

        var history = await (await li.GetAsync($"/api/v1/tickets/{b.Id()}/history")).ShouldBe(HttpStatusCode.OK);
        Assert.Contains(history.EnumerateArray(), h => h.Str("field") == "links" && h.Str("new") == $"blocked_by {a.Str("number")}");

        // A second link between the same two tickets, either way round, is a conflict.
        var again = await li.PostAsJsonAsync($"/api/v1/tickets/{b.Id()}/links", new { ticket = a.Str("number"), kind = "relates_to" });
        await again.ShouldBe(HttpStatusCode.Conflict);

        var removed = await li.DeleteAsync($"/api/v1/tickets/{b.Id()}/links/{a.Str("number")}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Empty((await (await li.GetAsync($"/api/v1/tickets/{a.Id()}/links")).ShouldBe(HttpStatusCode.OK)).EnumerateArray());
    }

    [Theory]
    [InlineData("{\"kind\":\"blocks\"}", "ticket")]
    [InlineData("{\"ticket\":\"IT-999999\",\"kind\":\"blocks\"}", "ticket")]
    [InlineData("{\"ticket\":\"SELF\",\"kind\":\"blocks\"}", "ticket")]
    [InlineData("{\"ticket\":\"OTHER\",\"kind\":\"friends_with\"}", "kind")]
    public async Task Link_WithBadInput_Answers400_NamingTheField(string body, string field)
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var a = await alice.CreateTicket(subject: "Link: bad input");
        var other = await alice.CreateTicket(subject: "Link: other");
        var response = await li.PostJson($"/api/v1/tickets/{a.Id()}/links", body.Replace("SELF", a.Str("number")).Replace("OTHER", other.Str("number")));
        var problem = await response.ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Errors().Keys);
    }

    [Fact]
    public async Task Link_ToAnHrCaseTheTechnicianCannotSee_LooksLikeAMissingTicket()
    {
        var it = await (await app.ClientFor("alice")).CreateTicket(subject: "Link: hidden target");
        var hr = await (await app.ClientFor("carol")).CreateTicket("hr", "Link: 人事保密", "request");
        var li = await app.ClientFor("li.agent");
        var response = await li.PostAsJsonAsync($"/api/v1/tickets/{it.Id()}/links", new { ticket = hr.Str("number"), kind = "relates_to" });
        var problem = await response.ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("ticket", problem.Errors().Keys);
        // And the HR case itself is not found for links.
        await (await li.GetAsync($"/api/v1/tickets/{hr.Id()}/links")).ShouldBe(HttpStatusCode.NotFound);
        await (await li.PostAsJsonAsync($"/api/v1/tickets/{hr.Id()}/links", new { ticket = it.Str("number"), kind = "relates_to" })).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ParentChild_ThatWouldCloseALoop_IsRefused()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var top = await alice.CreateTicket(subject: "Link: top");
        var middle = await alice.CreateTicket(subject: "Link: middle");
        var bottom = await alice.CreateTicket(subject: "Link: bottom");
        await (await li.PostAsJsonAsync($"/api/v1/tickets/{top.Id()}/links", new { ticket = middle.Str("number"), kind = "parent_of" })).ShouldBe(HttpStatusCode.Created);
        await (await li.PostAsJsonAsync($"/api/v1/tickets/{bottom.Id()}/links", new { ticket = middle.Str("number"), kind = "child_of" })).ShouldBe(HttpStatusCode.Created);
        var loop = await li.PostAsJsonAsync($"/api/v1/tickets/{bottom.Id()}/links", new { ticket = top.Str("number"), kind = "parent_of" });
        var problem = await loop.ShouldBe(HttpStatusCode.Conflict);
        Assert.EndsWith("link-loop", problem.Str("type"));
    }

    [Fact]
    public async Task Requester_MayNotLink_TheirOwnTicket()
    {
        var alice = await app.ClientFor("alice");
        var a = await alice.CreateTicket(subject: "Link: requester tries");
        var b = await alice.CreateTicket(subject: "Link: requester tries 2");
        await (await alice.PostAsJsonAsync($"/api/v1/tickets/{a.Id()}/links", new { ticket = b.Str("number"), kind = "relates_to" })).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Merge_ClosesTheSource_MovesItsPeopleToTheTarget_AndLinksBothWays()
    {
        var alice = await app.ClientFor("alice");
        var bob = await app.ClientFor("bob");
        var li = await app.ClientFor("li.agent");
        var target = await alice.CreateTicket(subject: "Merge: Wi-Fi down on 5F");
        var source = await bob.CreateTicket(subject: "Merge: no Wi-Fi 5th floor");
        await (await bob.PostAsJsonAsync($"/api/v1/tickets/{source.Id()}/comments", new { body = "Since 9:00." })).ShouldBe(HttpStatusCode.Created);

        var response = await MergeAsync(li, source, target.Str("number"), "\"2\"", comment: "Same outage.");
        var merged = await response.ShouldBe(HttpStatusCode.OK);
        Assert.Equal("closed", merged.GetProperty("source").Str("status"));
        Assert.Contains("bob", merged.GetProperty("target").GetProperty("watchers").EnumerateArray().Select(w => w.GetString()));

        var sourceLinks = await (await li.GetAsync($"/api/v1/tickets/{source.Id()}/links")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("merged_into", Assert.Single(sourceLinks.EnumerateArray()).Str("kind"));
        var targetLinks = await (await li.GetAsync($"/api/v1/tickets/{target.Id()}/links")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("merged_from", Assert.Single(targetLinks.EnumerateArray()).Str("kind"));

        // Bob now follows the ticket that stays: he sees it and its public replies, not the internal merge note.
        var bobsView = await (await bob.GetAsync($"/api/v1/tickets/{target.Id()}/comments")).ShouldBe(HttpStatusCode.OK);
        Assert.DoesNotContain(bobsView.EnumerateArray(), c => c.GetProperty("internal").GetBoolean());
        var staffView = await (await li.GetAsync($"/api/v1/tickets/{target.Id()}/comments")).ShouldBe(HttpStatusCode.OK);
        Assert.Contains(staffView.EnumerateArray(), c => c.GetProperty("internal").GetBoolean() && c.Str("body").Contains(source.Str("number")) && c.Str("body").Contains("Same outage."));
        var sourceComments = await (await bob.GetAsync($"/api/v1/tickets/{source.Id()}/comments")).ShouldBe(HttpStatusCode.OK);
        Assert.Contains(sourceComments.EnumerateArray(), c => c.Str("body").Contains(target.Str("number")));

        // A closed ticket cannot be merged again.
        var again = await MergeAsync(li, source, target.Str("number"), "*");
        var problem = await again.ShouldBe(HttpStatusCode.Conflict);
        Assert.Equal("source_closed", problem.Str("reason"));
    }

    [Fact]
    public async Task Merge_NeedsTheCurrentETag()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var target = await alice.CreateTicket(subject: "Merge: etag target");
        var source = await alice.CreateTicket(subject: "Merge: etag source");
        await (await MergeAsync(li, source, target.Str("number"), null)).ShouldBe((HttpStatusCode)428);
        await (await MergeAsync(li, source, target.Str("number"), "\"7\"")).ShouldBe(HttpStatusCode.PreconditionFailed);
        var unchanged = await (await li.GetAsync($"/api/v1/tickets/{source.Id()}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("new", unchanged.Str("status"));
    }

    [Fact]
    public async Task Merge_IntoATicketOfADeskTheCallerDoesNotWorkOn_IsRefused()
    {
        var li = await app.ClientFor("li.agent");
        var source = await (await app.ClientFor("alice")).CreateTicket(subject: "Merge: IT side");
        // Li can see this facilities ticket because he asked for it, but he does not work on the facilities desk.
        var facilities = await li.CreateTicket("facilities", "Merge: broken chair", "request");
        var response = await MergeAsync(li, source, facilities.Str("number"), "\"1\"");
        var problem = await response.ShouldBe(HttpStatusCode.Conflict);
        Assert.Equal("desk", problem.Str("reason"));

        // An HR case he cannot see is simply not there.
        var hr = await (await app.ClientFor("carol")).CreateTicket("hr", "Merge: 人事", "request");
        var hidden = await MergeAsync(li, source, hr.Str("number"), "\"1\"");
        Assert.Contains("into", (await hidden.ShouldBe(HttpStatusCode.BadRequest)).Errors().Keys);
        await (await MergeAsync(await app.ClientFor("zhang.hr"), source, hr.Str("number"), "\"1\"")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Split_FromAComment_CreatesALinkedTicket_ForTheSameRequester()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var source = await alice.CreateTicket(subject: "Split: laptop slow");
        var comment = await (await alice.PostAsJsonAsync($"/api/v1/tickets/{source.Id()}/comments", new { body = "Also, my badge does not open the 3F door." })).ShouldBe(HttpStatusCode.Created);
        var etag = (await li.GetAsync($"/api/v1/tickets/{source.Id()}")).Headers.ETag!.Tag;

        var response = await Send(li, HttpMethod.Post, $"/api/v1/tickets/{source.Id()}/split", new { subject = "Badge does not open 3F", commentId = comment.Str("id") }, etag);
        var created = await response.ShouldBe(HttpStatusCode.Created);
        Assert.Equal("alice", created.GetProperty("requester").Str("username"));
        Assert.Contains("badge does not open", created.Str("description"));
        Assert.Contains(source.Str("number"), created.Str("description"));

        var links = await (await li.GetAsync($"/api/v1/tickets/{created.Id()}/links")).ShouldBe(HttpStatusCode.OK);
        var link = Assert.Single(links.EnumerateArray());
        Assert.Equal("split_from", link.Str("kind"));
        var back = await (await li.GetAsync($"/api/v1/tickets/{source.Id()}/links")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("split_into", Assert.Single(back.EnumerateArray()).Str("kind"));
        // System links stay.
        await (await li.DeleteAsync($"/api/v1/tickets/{source.Id()}/links/{created.Id()}")).ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Split_SelectedText_WithAStaleETag_Answers412_AndWithoutText_400()
    {
        var alice = await app.ClientFor("alice");
        var li = await app.ClientFor("li.agent");
        var source = await alice.CreateTicket(subject: "Split: etag");
        await (await Send(li, HttpMethod.Post, $"/api/v1/tickets/{source.Id()}/split", new { subject = "x", text = "part" }, "\"5\"")).ShouldBe(HttpStatusCode.PreconditionFailed);
        var problem = await (await Send(li, HttpMethod.Post, $"/api/v1/tickets/{source.Id()}/split", new { subject = "Nothing to split" }, "\"1\"")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("text", problem.Errors().Keys);
        var ok = await (await Send(li, HttpMethod.Post, $"/api/v1/tickets/{source.Id()}/split", new { subject = "Monitor cable", text = "the monitor cable is frayed" }, "\"1\"")).ShouldBe(HttpStatusCode.Created);
        Assert.Contains("the monitor cable is frayed", ok.Str("description"));
        // The requester may not split.
        await (await Send(alice, HttpMethod.Post, $"/api/v1/tickets/{source.Id()}/split", new { subject = "x", text = "y" }, "*")).ShouldBe(HttpStatusCode.Forbidden);
    }

    static Task<HttpResponseMessage> MergeAsync(HttpClient client, JsonElement source, string into, string? ifMatch, string? comment = null) =>
        Send(client, HttpMethod.Post, $"/api/v1/tickets/{source.Id()}/merge", new { into, comment }, ifMatch);

    static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string url, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }
}

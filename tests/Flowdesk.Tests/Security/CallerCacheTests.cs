using System.Net;
using Flowdesk.Desks;
using Flowdesk.People;
using Flowdesk.Persistence;
using Flowdesk.Security;
using Flowdesk.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Security;

/// <summary>
/// The caller's access facts are cached for a few seconds; a change to who may see what, saved through EF Core,
/// must take effect on the next request, not after the cache expires.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CallerCacheTests(FlowdeskApp app)
{
    [Fact]
    public async Task A_removed_desk_membership_stops_granting_access_on_the_next_request()
    {
        var tech = await app.CreatePersonAsync("cache.tech1", staffOfDesk: "it");
        var ticket = await (await app.ClientFor("alice")).CreateTicket("it", "Docking station flickers");
        var client = await app.ClientFor("cache.tech1");
        await (await client.GetAsync($"/api/v1/tickets/{ticket.Id()}")).ShouldBe(HttpStatusCode.OK); // now cached

        await app.Db(async db =>
        {
            db.DeskMembers.Remove(await db.DeskMembers.SingleAsync(m => m.PersonId == tech.Id));
            return await db.SaveChangesAsync();
        });

        await (await client.GetAsync($"/api/v1/tickets/{ticket.Id()}")).ShouldBe(HttpStatusCode.NotFound);
        var me = await (await client.GetAsync("/api/v1/me")).ShouldBe(HttpStatusCode.OK);
        Assert.DoesNotContain("technician", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_granted_role_applies_on_the_next_request()
    {
        var person = await app.CreatePersonAsync("cache.audit1");
        var ticket = await (await app.ClientFor("alice")).CreateTicket("it", "Monitor cable missing");
        var client = await app.ClientFor("cache.audit1");
        await (await client.GetAsync($"/api/v1/tickets/{ticket.Id()}")).ShouldBe(HttpStatusCode.NotFound); // cached without the role

        await app.InScope(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<Person>>();
            var result = await users.AddToRoleAsync((await users.FindByIdAsync(person.Id.ToString()))!, SystemRoles.Auditor);
            Assert.True(result.Succeeded);
        });

        await (await client.GetAsync($"/api/v1/tickets/{ticket.Id()}")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Repeated_requests_reuse_the_cached_caller_until_something_changes()
    {
        var person = await app.CreatePersonAsync("cache.same1", staffOfDesk: "it");
        var first = await app.InScope(sp => sp.GetRequiredService<CallerCache>().GetAsync(sp.GetRequiredService<FlowdeskDb>(), person.Id, default));
        var second = await app.InScope(sp => sp.GetRequiredService<CallerCache>().GetAsync(sp.GetRequiredService<FlowdeskDb>(), person.Id, default));
        Assert.Same(first, second);

        await app.Db(async db =>
        {
            var facilities = await db.Desks.SingleAsync(d => d.Key == "facilities");
            db.DeskMembers.Add(new DeskMember(facilities.Id, person.Id, DeskRole.Technician));
            return await db.SaveChangesAsync();
        });
        var third = await app.InScope(sp => sp.GetRequiredService<CallerCache>().GetAsync(sp.GetRequiredService<FlowdeskDb>(), person.Id, default));
        Assert.NotSame(first, third);
        Assert.Equal(2, third!.StaffDeskIds.Count);
    }
}

using System.Net;
using System.Net.Http.Json;
using Flowdesk.Tests.Attachments;
using Flowdesk.Tests.Infrastructure;

namespace Flowdesk.Tests.Portal;

/// <summary>An attachment field of a catalog order accepts only a file the caller may see: an id is not a capability.</summary>
[Collection(PortalCollection.Name)]
public sealed class CatalogAttachmentAccessTests(PortalApp app)
{
    static async Task<string> UploadTo(HttpClient client, string deskKey, string subject)
    {
        var ticket = await client.CreateTicket(deskKey, subject);
        var response = await client.PostAsync($"/api/v1/tickets/{ticket.Id()}/attachments", Samples.Form(Samples.Png(), "screen.png"));
        return (await response.ShouldBe(HttpStatusCode.Created)).Id();
    }

    static Task<HttpResponseMessage> Order(HttpClient client, string attachmentId) =>
        client.PostAsJsonAsync($"/api/v1/catalog/{PortalApp.EverythingKey}/requests",
            new { fields = new { title = "Printer on floor 3", screenshot = attachmentId } });

    [Fact]
    public async Task Someone_elses_attachment_is_refused_next_to_the_field_and_ones_own_is_accepted()
    {
        var alice = await app.ClientFor("alice");
        var carol = await app.ClientFor("carol");
        var carolsFile = await UploadTo(carol, "it", "Carol's private screenshot");
        var alicesFile = await UploadTo(alice, "it", "Alice's screenshot");

        var refused = await (await Order(alice, carolsFile)).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("fields.screenshot", refused.Errors().Keys);

        var accepted = await (await Order(alice, alicesFile)).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(PortalApp.EverythingKey, accepted.Str("processKey"));
    }
}

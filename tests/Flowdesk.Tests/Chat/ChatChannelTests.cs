using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Flowdesk.Chat;
using Flowdesk.Outbox;
using Flowdesk.Tests.Infrastructure;
using Flowdesk.Tests.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Flowdesk.Tests.Chat;

/// <summary>Channels through the admin API, and the chat delivery posting to a real HTTP listener on 127.0.0.1 that captures each request.</summary>
[Collection(NotificationsCollection.Name)]
public sealed class ChatChannelTests(NotificationsApp app)
{
    sealed record Captured(string Path, string Query, string Body);

    /// <summary>A webhook on 127.0.0.1 answering every POST with <paramref name="answer"/> and recording what it got.</summary>
    sealed class Hook : IDisposable
    {
        readonly HttpListener listener = new();
        public ConcurrentQueue<Captured> Requests { get; } = new();
        public string Base { get; }

        public Hook(Func<int, (int Status, string Body)> answer)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Base = $"http://127.0.0.1:{port}/";
            listener.Prefixes.Add(Base);
            listener.Start();
            _ = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    HttpListenerContext context;
                    try { context = await listener.GetContextAsync(); }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                    using var reader = new StreamReader(context.Request.InputStream);
                    Requests.Enqueue(new Captured(context.Request.Url!.AbsolutePath, context.Request.Url.Query, await reader.ReadToEndAsync()));
                    var (status, body) = answer(Requests.Count);
                    context.Response.StatusCode = status;
                    var bytes = System.Text.Encoding.UTF8.GetBytes(body);
                    await context.Response.OutputStream.WriteAsync(bytes);
                    context.Response.Close();
                }
            });
        }

        public void Dispose() => listener.Close();
    }

    [Fact]
    public async Task Channels_are_for_admins_and_never_show_their_secret()
    {
        var admin = await app.ClientFor("admin");
        await (await (await app.ClientFor("li.agent")).GetAsync("/api/v1/admin/chat-channels")).ShouldBe(HttpStatusCode.NotFound);
        var created = await (await admin.PostAsJsonAsync("/api/v1/admin/chat-channels", new
        {
            name = "IT 值班群", kind = "dingtalk", webhookUrl = "https://oapi.dingtalk.com/robot/send?access_token=very-secret-token",
            secret = "SECabcdef", desk = "facilities", language = "zh-CN", events = new[] { "ticket_created", "sla.breach" },
        })).ShouldBe(HttpStatusCode.Created);
        Assert.Equal("oapi.dingtalk.com", created.Str("webhookHost"));
        Assert.True(created.GetProperty("hasSecret").GetBoolean());
        var text = created.GetRawText();
        Assert.DoesNotContain("SECabcdef", text, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-token", text, StringComparison.Ordinal);
        Assert.Equal(["ticket_created", "sla_breach"], created.GetProperty("events").EnumerateArray().Select(e => e.GetString()!).ToArray());

        // An update without the secret keeps it.
        var updated = await (await admin.PutAsJsonAsync($"/api/v1/admin/chat-channels/{created.Id()}", new
        {
            name = "IT 值班群", kind = "dingtalk", webhookUrl = "https://oapi.dingtalk.com/robot/send?access_token=very-secret-token", desk = "facilities",
        })).ShouldBe(HttpStatusCode.OK);
        Assert.True(updated.GetProperty("hasSecret").GetBoolean());
        await (await admin.DeleteAsync($"/api/v1/admin/chat-channels/{created.Id()}")).ShouldBe(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("slack", "ftp://hooks.slack.com/x", null, "webhookUrl")]
    [InlineData("slack", "https://user:pw@hooks.slack.com/x", null, "webhookUrl")]
    [InlineData("slack", "not a url", null, "webhookUrl")]
    [InlineData("slack", "https://hooks.slack.com/services/T/B/X", "secret", "secret")]
    [InlineData("telegram", "https://hooks.slack.com/services/T/B/X", null, "kind")]
    public async Task Bad_channels_are_refused_with_the_field_named(string kind, string url, string? secret, string field)
    {
        var problem = await (await (await app.ClientFor("admin")).PostAsJsonAsync("/api/v1/admin/chat-channels",
            new { name = "x", kind, webhookUrl = url, secret, desk = "it" })).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Errors().Keys);
    }

    [Fact]
    public async Task A_new_ticket_reaches_the_desk_channels_with_valid_signatures()
    {
        using var hook = new Hook(_ => (200, "{\"errcode\":0,\"errmsg\":\"ok\",\"code\":0}"));
        var admin = await app.ClientFor("admin");
        var channels = new List<string>();
        foreach (var (kind, secret) in new[] { ("dingtalk", "SECtest-dingtalk"), ("feishu", "feishu-test"), ("wecom", (string?)null), ("slack", null), ("teams", null) })
        {
            var created = await (await admin.PostAsJsonAsync("/api/v1/admin/chat-channels", new
            {
                name = kind, kind, webhookUrl = $"{hook.Base}{kind}?access_token=t", secret, desk = "hr", language = "en", events = new[] { "ticket_created" },
            })).ShouldBe(HttpStatusCode.Created);
            channels.Add(created.Id());
        }
        try
        {
            var ticket = await (await app.ClientFor("alice")).CreateTicket(desk: "hr", subject: "Payslip question");
            var id = Guid.Parse(ticket.Id());
            await app.FanOutAsync(id);
            var chats = await app.OutboxAsync(id, "chat");
            Assert.Equal(5, chats.Count);
            foreach (var chat in chats)
                await app.InScope(sp => sp.GetServices<IOutboxDelivery>().Single(d => d.Kind == "chat").DeliverAsync(chat, CancellationToken.None));

            var got = hook.Requests.ToDictionary(r => r.Path.Trim('/'));
            Assert.Equal(5, got.Count);
            var dingtalk = got["dingtalk"];
            var query = System.Web.HttpUtility.ParseQueryString(dingtalk.Query);
            Assert.Equal(ChatPayloads.DingTalkSign(query["timestamp"]!, "SECtest-dingtalk"), query["sign"]);
            Assert.Contains(ticket.Str("number"), JsonDocument.Parse(dingtalk.Body).RootElement.GetProperty("markdown").GetProperty("text").GetString());
            var feishu = JsonDocument.Parse(got["feishu"].Body).RootElement;
            Assert.Equal(ChatPayloads.FeishuSign(feishu.GetProperty("timestamp").GetString()!, "feishu-test"), feishu.GetProperty("sign").GetString());
            Assert.Equal("markdown", JsonDocument.Parse(got["wecom"].Body).RootElement.GetProperty("msgtype").GetString());
            Assert.True(JsonDocument.Parse(got["slack"].Body).RootElement.TryGetProperty("blocks", out _));
            Assert.Equal("message", JsonDocument.Parse(got["teams"].Body).RootElement.GetProperty("type").GetString());
        }
        finally
        {
            foreach (var channel in channels) await admin.DeleteAsync($"/api/v1/admin/chat-channels/{channel}");
        }
    }

    [Fact]
    public async Task A_rate_limited_robot_is_retried_and_a_refused_one_is_permanent()
    {
        var answers = new Queue<(int, string)>([(200, "{\"errcode\":130101,\"errmsg\":\"send too fast\"}"), (200, "{\"errcode\":310000,\"errmsg\":\"keywords not in content\"}")]);
        using var hook = new Hook(_ => answers.Dequeue());
        var admin = await app.ClientFor("admin");
        var created = await (await admin.PostAsJsonAsync("/api/v1/admin/chat-channels", new
        {
            name = "limits", kind = "dingtalk", webhookUrl = $"{hook.Base}robot?access_token=t", group = "it-desktop", language = "en",
        })).ShouldBe(HttpStatusCode.Created);
        try
        {
            var payload = JsonSerializer.Serialize(new ChatMessage(Guid.Parse(created.Id()), "sla_breach", Guid.NewGuid(), "IT-000001", "t", "x", "http://flowdesk.test/", "en", Guid.NewGuid()),
                Flowdesk.Notifications.NotificationPayload.Json);
            var message = new OutboxMessage("chat", payload, null, DateTimeOffset.UtcNow);
            Task Deliver() => app.InScope(sp => sp.GetServices<IOutboxDelivery>().Single(d => d.Kind == "chat").DeliverAsync(message, CancellationToken.None));
            await Assert.ThrowsAsync<ChatDeliveryException>(Deliver);
            await Assert.ThrowsAsync<PermanentDeliveryException>(Deliver);
            Assert.Equal(2, hook.Requests.Count);
        }
        finally
        {
            await admin.DeleteAsync($"/api/v1/admin/chat-channels/{created.Id()}");
        }
    }
}

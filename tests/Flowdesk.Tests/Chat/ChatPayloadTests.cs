using System.Net;
using System.Text.Json;
using Flowdesk.Chat;

namespace Flowdesk.Tests.Chat;

/// <summary>The request each vendor documents, and their signatures recomputed from known vectors (computed independently with Python's hmac).</summary>
public sealed class ChatPayloadTests
{
    static readonly ChatMessage Message = new(Guid.NewGuid(), "ticket_created", Guid.NewGuid(), "IT-000123", "[IT-000123] New: Printer <3F>",
        "Alice opened IT-000123 & waits.", "http://flowdesk.test/tickets/IT-000123", "en", Guid.NewGuid());

    static JsonElement Body(ChatRequest request) => JsonDocument.Parse(request.Body).RootElement.Clone();

    [Fact]
    public void DingTalk_signature_matches_the_documented_algorithm()
    {
        // https://open.dingtalk.com/document/robots/customize-robot-security-settings: Base64(HmacSHA256(secret, timestamp + "\n" + secret)), then URL-encoded.
        const string secret = "SECb6a8a1c1f5e0d2a3d4c5b6a7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7";
        Assert.Equal("mzYuovc4Ue2mNrSfAgd5qMzyOB9aoq4VYv1GuLuEHn8=", ChatPayloads.DingTalkSign("1577262236757", secret));
        var request = ChatPayloads.Build(ChatKind.DingTalk, "https://oapi.dingtalk.com/robot/send?access_token=abc", secret, Message,
            DateTimeOffset.FromUnixTimeMilliseconds(1577262236757));
        Assert.Equal("https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1577262236757&sign=mzYuovc4Ue2mNrSfAgd5qMzyOB9aoq4VYv1GuLuEHn8%3D",
            request.Url.AbsoluteUri);
        var body = Body(request);
        Assert.Equal("markdown", body.GetProperty("msgtype").GetString());
        Assert.Equal(Message.Title, body.GetProperty("markdown").GetProperty("title").GetString());
        Assert.Contains("[IT-000123](http://flowdesk.test/tickets/IT-000123)", body.GetProperty("markdown").GetProperty("text").GetString());
    }

    [Fact]
    public void Feishu_signature_uses_timestamp_and_secret_as_the_key_over_an_empty_message()
    {
        // https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot: HmacSHA256 keyed with timestamp + "\n" + secret over "", Base64; seconds.
        Assert.Equal("bM6XW0CzNXIf0In9XPP3EOfkZ+pnpx/18TlMTj14gDg=", ChatPayloads.FeishuSign("1599360473", "feishu-secret-abc"));
        var request = ChatPayloads.Build(ChatKind.Feishu, "https://open.feishu.cn/open-apis/bot/v2/hook/xyz", "feishu-secret-abc", Message,
            DateTimeOffset.FromUnixTimeSeconds(1599360473));
        var body = Body(request);
        Assert.Equal("1599360473", body.GetProperty("timestamp").GetString());
        Assert.Equal("bM6XW0CzNXIf0In9XPP3EOfkZ+pnpx/18TlMTj14gDg=", body.GetProperty("sign").GetString());
        Assert.Equal("interactive", body.GetProperty("msg_type").GetString());
        Assert.Equal(Message.Title, body.GetProperty("card").GetProperty("header").GetProperty("title").GetProperty("content").GetString());
        Assert.Equal("markdown", body.GetProperty("card").GetProperty("elements")[0].GetProperty("tag").GetString());
        Assert.Equal("https://open.feishu.cn/open-apis/bot/v2/hook/xyz", request.Url.AbsoluteUri);
    }

    [Fact]
    public void Unsigned_robots_carry_no_signature()
    {
        var dingtalk = ChatPayloads.Build(ChatKind.DingTalk, "https://oapi.dingtalk.com/robot/send?access_token=abc", null, Message, DateTimeOffset.UnixEpoch);
        Assert.DoesNotContain("sign=", dingtalk.Url.Query, StringComparison.Ordinal);
        var feishu = Body(ChatPayloads.Build(ChatKind.Feishu, "https://open.feishu.cn/open-apis/bot/v2/hook/xyz", null, Message, DateTimeOffset.UnixEpoch));
        Assert.False(feishu.TryGetProperty("sign", out _));
    }

    [Fact]
    public void WeCom_Slack_and_Teams_bodies_follow_their_documented_shape()
    {
        // https://developer.work.weixin.qq.com/document/path/91770
        var wecom = Body(ChatPayloads.Build(ChatKind.WeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", null, Message, DateTimeOffset.UnixEpoch));
        Assert.Equal("markdown", wecom.GetProperty("msgtype").GetString());
        Assert.Contains("IT-000123", wecom.GetProperty("markdown").GetProperty("content").GetString());

        // https://api.slack.com/messaging/webhooks — text as the fallback, blocks for layout; <, > and & escaped in mrkdwn.
        var slack = Body(ChatPayloads.Build(ChatKind.Slack, "https://hooks.slack.com/services/T/B/X", null, Message, DateTimeOffset.UnixEpoch));
        Assert.Contains("IT-000123", slack.GetProperty("text").GetString());
        var section = slack.GetProperty("blocks")[1].GetProperty("text");
        Assert.Equal("mrkdwn", section.GetProperty("type").GetString());
        Assert.Contains("IT-000123 &amp; waits.", section.GetProperty("text").GetString());
        Assert.Contains("<http://flowdesk.test/tickets/IT-000123|IT-000123>", section.GetProperty("text").GetString());

        // https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook — an Adaptive Card attachment.
        var teams = Body(ChatPayloads.Build(ChatKind.Teams, "https://example.webhook.office.com/webhookb2/x", null, Message, DateTimeOffset.UnixEpoch));
        Assert.Equal("message", teams.GetProperty("type").GetString());
        var attachment = teams.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        Assert.Equal("AdaptiveCard", attachment.GetProperty("content").GetProperty("type").GetString());
        Assert.Equal(Message.Url, attachment.GetProperty("content").GetProperty("actions")[0].GetProperty("url").GetString());
    }

    [Theory]
    [InlineData(ChatKind.DingTalk, 200, "{\"errcode\":0,\"errmsg\":\"ok\"}", ChatVerdict.Delivered)]
    [InlineData(ChatKind.DingTalk, 200, "{\"errcode\":130101,\"errmsg\":\"send too fast\"}", ChatVerdict.Retry)]
    [InlineData(ChatKind.DingTalk, 200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}", ChatVerdict.Permanent)]
    [InlineData(ChatKind.WeCom, 200, "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}", ChatVerdict.Retry)]
    [InlineData(ChatKind.WeCom, 200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}", ChatVerdict.Permanent)]
    [InlineData(ChatKind.Feishu, 200, "{\"code\":0,\"msg\":\"success\",\"data\":{}}", ChatVerdict.Delivered)]
    [InlineData(ChatKind.Feishu, 200, "{\"code\":19021,\"msg\":\"sign match fail or timestamp is not within one hour from current time\"}", ChatVerdict.Permanent)]
    [InlineData(ChatKind.Feishu, 200, "{\"code\":11232,\"msg\":\"frequency limited\"}", ChatVerdict.Retry)]
    [InlineData(ChatKind.Slack, 200, "ok", ChatVerdict.Delivered)]
    [InlineData(ChatKind.Slack, 404, "channel_not_found", ChatVerdict.Permanent)]
    [InlineData(ChatKind.Slack, 429, "rate_limited", ChatVerdict.Retry)]
    [InlineData(ChatKind.Teams, 202, "", ChatVerdict.Delivered)]
    [InlineData(ChatKind.Teams, 503, "", ChatVerdict.Retry)]
    [InlineData(ChatKind.Teams, 400, "Bad payload", ChatVerdict.Permanent)]
    public void Vendor_answers_are_judged_retry_or_permanent(ChatKind kind, int status, string body, ChatVerdict expected) =>
        Assert.Equal(expected, ChatDelivery.Judge(kind, (HttpStatusCode)status, body));
}

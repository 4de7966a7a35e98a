using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flowdesk.Chat;

/// <summary>The payload of a "chat" outbox message: what to post to which channel. The channel's URL and secret are read at delivery.</summary>
public sealed record ChatMessage(Guid ChannelId, string Event, Guid TicketId, string Number, string Title, string Text, string Url, string Language,
    Guid NotificationId);

/// <summary>One HTTP request to a chat webhook: the address (with any signature in its query) and the JSON body.</summary>
public sealed record ChatRequest(Uri Url, string Body);

/// <summary>
/// The request each vendor's incoming webhook / group robot expects, built from a message and the channel. Pure, so
/// the formats and signatures are tested against the vendors' published documentation:
/// <list type="bullet">
/// <item>Slack incoming webhook — https://api.slack.com/messaging/webhooks : <c>{"text", "blocks":[section mrkdwn]}</c>.</item>
/// <item>Microsoft Teams incoming webhook / Workflows — https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook :
/// <c>{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{AdaptiveCard}}]}</c>.</item>
/// <item>DingTalk custom robot — https://open.dingtalk.com/document/robots/custom-robot-access and
/// https://open.dingtalk.com/document/robots/customize-robot-security-settings : <c>{"msgtype":"markdown","markdown":{"title","text"}}</c>;
/// signed: sign = urlencode(base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret))), timestamp in ms, appended as
/// <c>&amp;timestamp=…&amp;sign=…</c>.</item>
/// <item>WeCom group robot — https://developer.work.weixin.qq.com/document/path/91770 : <c>{"msgtype":"markdown","markdown":{"content"}}</c>.</item>
/// <item>Feishu custom bot — https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot : sign = base64(HmacSHA256(key =
/// timestamp + "\n" + secret, data = empty)), timestamp in seconds, both in the JSON body beside <c>msg_type</c>.</item>
/// </list>
/// </summary>
public static class ChatPayloads
{
    static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static ChatRequest Build(ChatKind kind, string webhookUrl, string? secret, ChatMessage message, DateTimeOffset now)
    {
        var url = new Uri(webhookUrl);
        JsonObject body;
        switch (kind)
        {
            case ChatKind.Slack:
                body = new JsonObject
                {
                    ["text"] = $"{message.Title}\n{message.Text}",
                    ["blocks"] = new JsonArray(
                        new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Clip(message.Title, 150) } },
                        new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Clip(SlackText(message), 3000) } }),
                };
                break;
            case ChatKind.Teams:
                body = new JsonObject
                {
                    ["type"] = "message",
                    ["attachments"] = new JsonArray(new JsonObject
                    {
                        ["contentType"] = "application/vnd.microsoft.card.adaptive",
                        ["contentUrl"] = null,
                        ["content"] = new JsonObject
                        {
                            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                            ["type"] = "AdaptiveCard",
                            ["version"] = "1.4",
                            ["body"] = new JsonArray(
                                new JsonObject { ["type"] = "TextBlock", ["text"] = message.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
                                new JsonObject { ["type"] = "TextBlock", ["text"] = message.Text, ["wrap"] = true }),
                            ["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = message.Number, ["url"] = message.Url }),
                        },
                    }),
                };
                break;
            case ChatKind.DingTalk:
                body = new JsonObject
                {
                    ["msgtype"] = "markdown",
                    ["markdown"] = new JsonObject { ["title"] = message.Title, ["text"] = Markdown(message) },
                };
                if (!string.IsNullOrEmpty(secret))
                {
                    var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                    var separator = string.IsNullOrEmpty(url.Query) ? "?" : "&";
                    url = new Uri($"{webhookUrl}{separator}timestamp={timestamp}&sign={Uri.EscapeDataString(DingTalkSign(timestamp, secret))}");
                }
                break;
            case ChatKind.WeCom:
                body = new JsonObject
                {
                    ["msgtype"] = "markdown",
                    // WeCom's markdown content is at most 4096 bytes.
                    ["markdown"] = new JsonObject { ["content"] = ClipBytes(Markdown(message), 4096) },
                };
                break;
            case ChatKind.Feishu:
                body = [];
                if (!string.IsNullOrEmpty(secret))
                {
                    var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                    body["timestamp"] = timestamp;
                    body["sign"] = FeishuSign(timestamp, secret);
                }
                body["msg_type"] = "interactive";
                body["card"] = new JsonObject
                {
                    ["header"] = new JsonObject { ["title"] = new JsonObject { ["tag"] = "plain_text", ["content"] = message.Title } },
                    ["elements"] = new JsonArray(new JsonObject { ["tag"] = "markdown", ["content"] = Markdown(message) }),
                };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
        return new ChatRequest(url, body.ToJsonString(Json));
    }

    /// <summary>DingTalk: HmacSHA256 with the secret as key over "timestamp\nsecret", Base64 (URL-encode it when appending).</summary>
    public static string DingTalkSign(string timestampMs, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestampMs}\n{secret}")));

    /// <summary>Feishu: HmacSHA256 with "timestamp\nsecret" as the key over an empty message, Base64.</summary>
    public static string FeishuSign(string timestampSeconds, string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestampSeconds}\n{secret}"), Array.Empty<byte>()));

    static string Markdown(ChatMessage m) => $"### {m.Title}\n\n{m.Text}\n\n[{m.Number}]({m.Url})";

    /// <summary>Slack's mrkdwn: &amp;, &lt; and &gt; are control characters and must be escaped; links are &lt;url|text&gt;.</summary>
    static string SlackText(ChatMessage m) =>
        $"{Escape(m.Text)}\n<{m.Url}|{Escape(m.Number)}>";

    static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    static string ClipBytes(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes) return text;
        var end = text.Length;
        while (end > 0 && Encoding.UTF8.GetByteCount(text.AsSpan(0, end)) > maxBytes - 3) end--;
        if (end > 0 && char.IsHighSurrogate(text[end - 1])) end--;
        return text[..end] + "…";
    }
}

public static class ChatLimits
{
    public const int UrlMax = 2000;
    public const int SecretMax = 200;
}

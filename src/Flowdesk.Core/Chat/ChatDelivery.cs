using System.Net;
using System.Text;
using System.Text.Json;
using Flowdesk.Outbox;
using Flowdesk.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Flowdesk.Chat;

/// <summary>
/// Delivers "chat" outbox messages to the channel's webhook. Failures the vendor may get over (timeouts, 408, 429,
/// 5xx, rate-limit codes in a 200 body) are thrown for the worker to retry with back-off; those it will not (a wrong
/// URL, a bad signature, a robot removed, a message refused) are permanent and go to the dead letters at once.
/// DingTalk, WeCom and Feishu answer 200 with an error code in the body, so the body is read too.
/// </summary>
public sealed class ChatDelivery(FlowdeskDb db, IHttpClientFactory http, TimeProvider clock, ILogger<ChatDelivery> log) : IOutboxDelivery
{
    public const string HttpClientName = "flowdesk-chat";

    public string Kind => "chat";

    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ChatMessage? chat;
        try
        {
            chat = JsonSerializer.Deserialize<ChatMessage>(message.Payload, Notifications.NotificationPayload.Json);
        }
        catch (JsonException e)
        {
            throw new PermanentDeliveryException("The chat payload is not valid JSON.", e);
        }
        if (chat is null) throw new PermanentDeliveryException("The chat payload is empty.");
        var channel = await db.ChatChannels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == chat.ChannelId, cancellationToken);
        if (channel is null || !channel.Enabled)
        {
            log.LogInformation("Chat message {Message} dropped: channel {Channel} was removed or disabled", message.Id, chat.ChannelId);
            return;
        }

        var request = ChatPayloads.Build(channel.Kind, channel.WebhookUrl, channel.Secret, chat, clock.GetUtcNow());
        using var client = http.CreateClient(HttpClientName);
        using var content = new StringContent(request.Body, Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsync(request.Url, content, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ChatDeliveryException($"{channel.Kind} webhook unreachable: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChatDeliveryException($"{channel.Kind} webhook timed out.", e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var verdict = Judge(channel.Kind, response.StatusCode, body);
            switch (verdict)
            {
                case ChatVerdict.Delivered:
                    return;
                case ChatVerdict.Retry:
                    throw new ChatDeliveryException($"{channel.Kind} webhook answered {(int)response.StatusCode}: {Short(body)}");
                default:
                    throw new PermanentDeliveryException($"{channel.Kind} webhook refused the message ({(int)response.StatusCode}): {Short(body)}");
            }
        }
    }

    /// <summary>What a webhook's answer means: delivered, try again later, or never going to work.</summary>
    public static ChatVerdict Judge(ChatKind kind, HttpStatusCode status, string body)
    {
        var code = (int)status;
        if (code is 408 or 425 or 429 || code >= 500) return ChatVerdict.Retry;
        if (code is < 200 or >= 300) return ChatVerdict.Permanent;
        return kind switch
        {
            // errcode 0 is success; 130101 "send too fast" and -1 "system busy" pass; 310000 (keyword, signature, IP) and token errors do not.
            ChatKind.DingTalk => BodyCode(body, "errcode") switch
            {
                null or 0 => ChatVerdict.Delivered,
                130101 or -1 => ChatVerdict.Retry,
                _ => ChatVerdict.Permanent,
            },
            // 45009 is WeCom's frequency limit, -1 system busy; 93000 (invalid webhook) and the rest are permanent.
            ChatKind.WeCom => BodyCode(body, "errcode") switch
            {
                null or 0 => ChatVerdict.Delivered,
                45009 or -1 => ChatVerdict.Retry,
                _ => ChatVerdict.Permanent,
            },
            // code 0 (or the older StatusCode 0) is success; 11232 and 11233 are rate limits; 19021 (signature), 19022 (IP), 19024 (keyword) are not.
            ChatKind.Feishu => (BodyCode(body, "code") ?? BodyCode(body, "StatusCode")) switch
            {
                null or 0 => ChatVerdict.Delivered,
                11232 or 11233 => ChatVerdict.Retry,
                _ => ChatVerdict.Permanent,
            },
            // Teams' classic connector answered 200 with an error text when throttled.
            ChatKind.Teams when body.Contains("429", StringComparison.Ordinal) && body.Contains("error", StringComparison.OrdinalIgnoreCase) => ChatVerdict.Retry,
            _ => ChatVerdict.Delivered,
        };
    }

    static int? BodyCode(string body, string property)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(property, out var value)
                && value.TryGetInt32(out var number) ? number : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string Short(string body) => body.Length <= 300 ? body : body[..300];
}

public enum ChatVerdict { Delivered, Retry, Permanent }

/// <summary>A chat delivery that may succeed later (the worker retries it with back-off).</summary>
public sealed class ChatDeliveryException(string message, Exception? inner = null) : Exception(message, inner);

namespace Flowdesk.Chat;

public enum ChatKind { Slack = 1, Teams = 2, DingTalk = 3, WeCom = 4, Feishu = 5 }

/// <summary>
/// A chat group robot or incoming webhook that hears about the tickets of one desk or one group. The webhook URL and
/// the signing secret are credentials: stored, used by the chat delivery, never returned by the API.
/// </summary>
public sealed class ChatChannel
{
    private ChatChannel() { }

    public ChatChannel(string name, ChatKind kind, string webhookUrl, string? secret, Guid? deskId, Guid? groupId, string language, string events, DateTimeOffset now)
    {
        Id = Ids.New();
        CreatedAt = now;
        Update(name, kind, webhookUrl, secret, deskId, groupId, language, events, true, now);
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public ChatKind Kind { get; private set; }
    public string WebhookUrl { get; private set; } = "";
    /// <summary>DingTalk "加签" or Feishu "签名校验" secret; null when the robot is not signed.</summary>
    public string? Secret { get; private set; }
    public Guid? DeskId { get; private set; }
    public Guid? GroupId { get; private set; }
    /// <summary>en or zh-CN: the language messages to this channel are written in.</summary>
    public string Language { get; private set; } = "en";
    /// <summary>Space-separated event keys the channel hears; empty means every event.</summary>
    public string Events { get; private set; } = "";
    public bool Enabled { get; private set; } = true;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public void Update(string name, ChatKind kind, string webhookUrl, string? secret, Guid? deskId, Guid? groupId, string language, string events,
        bool enabled, DateTimeOffset now)
    {
        Name = name;
        Kind = kind;
        WebhookUrl = webhookUrl;
        Secret = secret;
        DeskId = deskId;
        GroupId = groupId;
        Language = language;
        Events = events;
        Enabled = enabled;
        UpdatedAt = now;
    }

    public bool Hears(string @event) => Events.Length == 0 || Events.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(@event, StringComparer.Ordinal);
}

namespace Flowdesk.Notifications;

/// <summary>Settings under Flowdesk:Notifications.</summary>
public sealed class NotificationOptions
{
    /// <summary>The address people reach Flowdesk at, for links in e-mail and chat (no trailing slash needed).</summary>
    public string PublicUrl { get; set; } = "http://localhost:5080";
    /// <summary>How long an approve / reject link in an e-mail stays valid.</summary>
    public TimeSpan ApprovalLinkLifetime { get; set; } = TimeSpan.FromDays(7);
    /// <summary>Base64 HMAC key (32 bytes or more) for approval links; when empty a key is generated once and kept in the database.</summary>
    public string? ApprovalLinkKey { get; set; }
    /// <summary>Chat webhooks over plain http (only for tests and closed networks); https otherwise.</summary>
    public bool AllowHttpWebhooks { get; set; }
    /// <summary>
    /// How long a person's unread count shown by the static bell is kept in memory (default 10 s); a new or read
    /// notification on this node forgets it at once. Zero turns the cache off.
    /// </summary>
    public TimeSpan UnreadCountCacheTime { get; set; } = TimeSpan.FromSeconds(10);

    public string Url(string path) => PublicUrl.TrimEnd('/') + path;
}

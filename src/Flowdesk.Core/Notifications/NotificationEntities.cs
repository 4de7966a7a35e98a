namespace Flowdesk.Notifications;

/// <summary>An in-app notification: what the bell shows one person. Written by the fan-out of a "notification" outbox message.</summary>
public sealed class Notification
{
    private Notification() { }

    public Notification(Guid sourceId, Guid recipientId, string @event, Guid? ticketId, string title, string body, string? link, DateTimeOffset now)
    {
        Id = Ids.New();
        SourceId = sourceId;
        RecipientId = recipientId;
        Event = @event;
        TicketId = ticketId;
        Title = title;
        Body = body;
        Link = link;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    /// <summary>The outbox message whose fan-out wrote this row; unique with the recipient, so a retried fan-out never duplicates it.</summary>
    public Guid SourceId { get; private set; }
    public Guid RecipientId { get; private set; }
    public string Event { get; private set; } = "";
    public Guid? TicketId { get; private set; }
    public string Title { get; private set; } = "";
    public string Body { get; private set; } = "";
    /// <summary>Site-relative address to open (/tickets/IT-000123).</summary>
    public string? Link { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ReadAt { get; private set; }

    public void MarkRead(DateTimeOffset now) => ReadAt ??= now;
}

/// <summary>An admin's override of one event's template in one language; without a row the shipped default applies.</summary>
public sealed class NotificationTemplate
{
    private NotificationTemplate() { }

    public NotificationTemplate(string @event, string language, string subject, string body, Guid by, DateTimeOffset now)
    {
        Id = Ids.New();
        Event = @event;
        Language = language;
        Update(subject, body, by, now);
    }

    public Guid Id { get; private set; }
    public string Event { get; private set; } = "";
    public string Language { get; private set; } = "";
    public string Subject { get; private set; } = "";
    public string Body { get; private set; } = "";
    public DateTimeOffset UpdatedAt { get; private set; }
    public Guid UpdatedById { get; private set; }

    public void Update(string subject, string body, Guid by, DateTimeOffset now)
    {
        Subject = subject;
        Body = body;
        UpdatedById = by;
        UpdatedAt = now;
    }
}

/// <summary>
/// The fan-out of one "notification" outbox message happened: written in the same transaction as its notification rows
/// and e-mail / chat messages, keyed by the outbox message id, so a retry after a crash finds it and does nothing twice.
/// </summary>
public sealed class NotificationFanout
{
    private NotificationFanout() { }

    public NotificationFanout(Guid messageId, string @event, int recipients, DateTimeOffset now)
    {
        MessageId = messageId;
        Event = @event;
        Recipients = recipients;
        At = now;
    }

    public Guid MessageId { get; private set; }
    public string Event { get; private set; } = "";
    public int Recipients { get; private set; }
    public DateTimeOffset At { get; private set; }
}

/// <summary>A template that failed when a notification was rendered (the default was used instead); admins see these.</summary>
public sealed class NotificationTemplateError
{
    private NotificationTemplateError() { }

    public NotificationTemplateError(string @event, string language, Guid? ticketId, string message, DateTimeOffset now)
    {
        Id = Ids.New();
        Event = @event;
        Language = language;
        TicketId = ticketId;
        Message = message.Length > 2000 ? message[..2000] : message;
        At = now;
    }

    public Guid Id { get; private set; }
    public string Event { get; private set; } = "";
    public string Language { get; private set; } = "";
    public Guid? TicketId { get; private set; }
    public string Message { get; private set; } = "";
    public DateTimeOffset At { get; private set; }
}

/// <summary>A signing key made once and shared by every web node through the database (approval links).</summary>
public sealed class SigningKey
{
    private SigningKey() { }

    public SigningKey(string purpose, byte[] key, DateTimeOffset now)
    {
        Purpose = purpose;
        Key = key;
        CreatedAt = now;
    }

    public string Purpose { get; private set; } = "";
    public byte[] Key { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
}

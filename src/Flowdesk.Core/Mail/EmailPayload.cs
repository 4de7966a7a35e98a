using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flowdesk.Mail;

/// <summary>A recipient: the address, and the name shown in front of it (may be empty).</summary>
public sealed record EmailRecipient(string Address, string? Name = null);

/// <summary>
/// The payload of an "email" outbox message (JSON, camelCase; see docs/mail.md). One message per recipient, so one
/// refused address never holds back the others. Unknown properties are ignored, so writers may add their own
/// (the notification fan-out adds event and notificationId).
/// <list type="bullet">
/// <item><c>to</c> — <c>{ "address", "name" }</c>, required.</item>
/// <item><c>subject</c>, <c>text</c> — required; the subject is tagged with the ticket number when it lacks it.</item>
/// <item><c>html</c> — optional HTML alternative of the text.</item>
/// <item><c>ticketId</c>, <c>number</c> — the ticket the mail is about (X-Flowdesk-Ticket, subject tag).</item>
/// <item><c>inReplyTo</c>, <c>references</c> / <c>threadIds</c> — Message-IDs (with or without angle brackets) that
/// keep a ticket's mails in one thread.</item>
/// <item><c>language</c> — en or zh-CN (Content-Language).</item>
/// </list>
/// </summary>
public sealed record EmailPayload(
    EmailRecipient? To,
    string? Subject,
    string? Text,
    string? Html = null,
    Guid? TicketId = null,
    string? Number = null,
    string? InReplyTo = null,
    IReadOnlyList<string>? References = null,
    IReadOnlyList<string>? ThreadIds = null,
    string? Language = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The payload, or null when it is not a JSON object of this shape.</summary>
    public static EmailPayload? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<EmailPayload>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>In-Reply-To first, then references and thread ids, without duplicates.</summary>
    public IEnumerable<string> AllReferences() =>
        (References ?? []).Concat(ThreadIds ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.Ordinal);
}

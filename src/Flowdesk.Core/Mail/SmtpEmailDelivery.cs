using Flowdesk.Outbox;
using Flowdesk.Persistence;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Flowdesk.Mail;

/// <summary>
/// Delivers "email" outbox messages over SMTP (MailKit). Every attempt sends the same message with the same
/// Message-ID (<c>outbox-{id}@host</c>). A server that is down, busy (4xx) or cut off mid-dialogue makes the attempt
/// throw, so the outbox worker retries with back-off; a recipient or message the server refuses for good (5xx) is a
/// <see cref="PermanentDeliveryException"/>, as is a payload that cannot become a mail.
/// </summary>
public sealed class SmtpEmailDelivery(FlowdeskDb db, IServiceProvider services, ILogger<SmtpEmailDelivery> log) : IOutboxDelivery
{
    public const string EmailKind = "email";

    public string Kind => EmailKind;

    public const string NotConfigured = "Mail configuration: Smtp:Host and Smtp:From are required to send mail; the message waits until they are set.";

    /// <summary>
    /// Mail waits, unclaimed, while no SMTP server is configured (a fresh install, the benchmark). Settings that do not
    /// read at all count as available here, so that an attempt records the key at fault as the message's error.
    /// </summary>
    public string? Unavailable
    {
        get
        {
            try
            {
                return services.GetRequiredService<MailSettings>().Smtp.IsConfigured ? null : NotConfigured;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }
    }

    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var payload = EmailPayload.Parse(message.Payload)
            ?? throw new PermanentDeliveryException("The email payload is not a JSON object of the documented shape (docs/mail.md).");
        // Resolved here, not in the constructor: the worker builds every delivery to learn its kind, and a mistake in
        // the mail settings must fail only the mail, with the key at fault as the message's error.
        var settings = services.GetRequiredService<MailSettings>();
        var smtp = settings.Smtp;
        if (!smtp.IsConfigured)
            throw new InvalidOperationException(NotConfigured);

        MimeMessage mail;
        try
        {
            mail = OutgoingMail.Build(payload with { TicketId = payload.TicketId ?? message.TicketId }, message.Id, settings,
                message.CreatedAt, await ReplyToAsync(settings, payload.TicketId ?? message.TicketId, cancellationToken));
        }
        catch (FormatException e)
        {
            throw new PermanentDeliveryException($"The email payload cannot be sent: {e.Message}", e);
        }

        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(smtp.Host!, smtp.Port, MailSettings.Socket(smtp.Tls), cancellationToken);
            if (smtp.User is not null) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
            await client.SendAsync(mail, cancellationToken);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500
            && e.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted)
        {
            var what = e.ErrorCode == SmtpErrorCode.RecipientNotAccepted ? $"recipient {e.Mailbox?.Address}" : "message";
            log.LogWarning("SMTP server {Host} refused the {What} of outbox message {Id} for good: {Status} {Error}",
                smtp.Host, what, message.Id, (int)e.StatusCode, e.Message);
            throw new PermanentDeliveryException($"The SMTP server refused the {what}: {(int)e.StatusCode} {e.Message}", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Sending outbox message {Id} through {Host}:{Port} failed; it will be retried.", message.Id, smtp.Host, smtp.Port);
            throw;
        }
        finally
        {
            await QuitQuietlyAsync(client);
        }
        log.LogInformation("Sent outbox message {Id} as <{MessageId}> to {To}.", message.Id, mail.MessageId, payload.To?.Address);
    }

    /// <summary>Replies go to the mailbox of the ticket's desk when one with an address is configured.</summary>
    async Task<string?> ReplyToAsync(MailSettings settings, Guid? ticketId, CancellationToken ct)
    {
        if (ticketId is not { } id || settings.Inboxes.All(i => i.Address is null)) return null;
        var deskKey = await db.Tickets.AsNoTracking().Where(t => t.Id == id).Select(t => t.Desk!.Key).SingleOrDefaultAsync(ct);
        return deskKey is null ? null : settings.Inboxes.FirstOrDefault(i => i.Desk == deskKey && i.Address is not null)?.Address;
    }

    /// <summary>The mail was accepted (or the attempt failed already); a failing QUIT must not cause a resend.</summary>
    static async Task QuitQuietlyAsync(SmtpClient client)
    {
        if (!client.IsConnected) return;
        try
        {
            using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.DisconnectAsync(true, quit.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or MailKit.ProtocolException or MailKit.CommandException
            or System.Net.Sockets.SocketException or TimeoutException)
        {
        }
    }
}

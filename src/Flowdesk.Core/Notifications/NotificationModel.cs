using Flowdesk.Chat;
using Flowdesk.Desks;
using Flowdesk.People;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Notifications;

/// <summary>Tables of notifications, template overrides, fan-out markers, template errors, signing keys and chat channels.</summary>
static class NotificationModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<Notification>(n =>
        {
            n.ToTable("notifications");
            n.Property(x => x.Event).HasMaxLength(50);
            n.Property(x => x.Title).HasMaxLength(500);
            n.Property(x => x.Body).HasMaxLength(4000);
            n.Property(x => x.Link).HasMaxLength(500);
            n.HasIndex(x => new { x.SourceId, x.RecipientId }).IsUnique();
            // The bell: a person's newest first, and the unread count.
            n.HasIndex(x => new { x.RecipientId, x.CreatedAt });
            n.HasIndex(x => new { x.RecipientId, x.ReadAt });
            n.HasOne<Person>().WithMany().HasForeignKey(x => x.RecipientId).OnDelete(DeleteBehavior.Cascade);
            n.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<NotificationTemplate>(t =>
        {
            t.ToTable("notification_templates");
            t.Property(x => x.Event).HasMaxLength(50);
            t.Property(x => x.Language).HasMaxLength(10);
            t.Property(x => x.Subject).HasMaxLength(NotificationLimits.SubjectMax);
            t.Property(x => x.Body).HasMaxLength(NotificationLimits.BodyMax);
            t.HasIndex(x => new { x.Event, x.Language }).IsUnique();
        });

        builder.Entity<NotificationFanout>(f =>
        {
            f.ToTable("notification_fanouts");
            f.HasKey(x => x.MessageId);
            f.Property(x => x.Event).HasMaxLength(50);
        });

        builder.Entity<NotificationTemplateError>(e =>
        {
            e.ToTable("notification_template_errors");
            e.Property(x => x.Event).HasMaxLength(50);
            e.Property(x => x.Language).HasMaxLength(10);
            e.Property(x => x.Message).HasMaxLength(2000);
            e.HasIndex(x => x.At);
        });

        builder.Entity<SigningKey>(k =>
        {
            k.ToTable("signing_keys");
            k.HasKey(x => x.Purpose);
            k.Property(x => x.Purpose).HasMaxLength(50);
        });

        builder.Entity<ChatChannel>(c =>
        {
            c.ToTable("chat_channels");
            c.Property(x => x.Name).HasMaxLength(200);
            c.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            c.Property(x => x.WebhookUrl).HasMaxLength(ChatLimits.UrlMax);
            c.Property(x => x.Secret).HasMaxLength(200);
            c.Property(x => x.Language).HasMaxLength(10);
            c.Property(x => x.Events).HasMaxLength(1000);
            c.HasIndex(x => x.DeskId);
            c.HasIndex(x => x.GroupId);
            c.HasOne<Desk>().WithMany().HasForeignKey(x => x.DeskId).OnDelete(DeleteBehavior.Cascade);
            c.HasOne<Group>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

public static class NotificationLimits
{
    public const int SubjectMax = 500;
    public const int BodyMax = 8000;
}

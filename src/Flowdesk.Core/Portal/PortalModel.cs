using Flowdesk.People;
using Flowdesk.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Flowdesk.Portal;

/// <summary>The portal's tables (satisfaction surveys, announcements); FlowdeskDb calls this from OnModelCreating.</summary>
static class PortalModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<SatisfactionSurvey>(s =>
        {
            s.ToTable("satisfaction_surveys");
            s.HasIndex(x => x.TicketId).IsUnique();
            s.HasIndex(x => x.CreatedAt);
            s.Property(x => x.Comment).HasMaxLength(SatisfactionSurvey.CommentMax);
            s.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
            s.HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Announcement>(a =>
        {
            a.ToTable("announcements");
            a.Property(x => x.TitleEn).HasMaxLength(Announcement.TitleMax);
            a.Property(x => x.TitleZh).HasMaxLength(Announcement.TitleMax);
            a.Property(x => x.BodyEn).HasMaxLength(Announcement.BodyMax);
            a.Property(x => x.BodyZh).HasMaxLength(Announcement.BodyMax);
            a.Property(x => x.Level).HasConversion<string>().HasMaxLength(20);
            a.HasIndex(x => x.StartsAt);
            a.HasOne<Person>().WithMany().HasForeignKey(x => x.CreatedById).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
